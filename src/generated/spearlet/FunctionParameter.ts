// Original file: proto/spearlet/function.proto

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../google/protobuf/Any.js';

export interface FunctionParameter {
  'name'?: (string);
  'type'?: (string);
  'value'?: (_google_protobuf_Any | null);
  'required'?: (boolean);
  'description'?: (string);
}

export interface FunctionParameter__Output {
  'name': (string);
  'type': (string);
  'value': (_google_protobuf_Any__Output | null);
  'required': (boolean);
  'description': (string);
}
