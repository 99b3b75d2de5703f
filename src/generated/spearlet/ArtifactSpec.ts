// Original file: proto/spearlet/function.proto


export interface ArtifactSpec {
  'artifactId'?: (string);
  'artifactType'?: (string);
  'location'?: (string);
  'version'?: (string);
  'checksum'?: (string);
  'metadata'?: ({[key: string]: string});
}

export interface ArtifactSpec__Output {
  'artifactId': (string);
  'artifactType': (string);
  'location': (string);
  'version': (string);
  'checksum': (string);
  'metadata': ({[key: string]: string});
}
