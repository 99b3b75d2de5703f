// Original file: proto/spearlet/function.proto


export interface GetHealthRequest {
  'includeDetails'?: (boolean);
}

export interface GetHealthRequest__Output {
  'includeDetails': (boolean);
}
