// Original file: proto/spearlet/function.proto

import type { InvocationType as _spearlet_InvocationType, InvocationType__Output as _spearlet_InvocationType__Output } from '../spearlet/InvocationType.js';
import type { ArtifactSpec as _spearlet_ArtifactSpec, ArtifactSpec__Output as _spearlet_ArtifactSpec__Output } from '../spearlet/ArtifactSpec.js';
import type { FunctionParameter as _spearlet_FunctionParameter, FunctionParameter__Output as _spearlet_FunctionParameter__Output } from '../spearlet/FunctionParameter.js';
import type { ExecutionMode as _spearlet_ExecutionMode, ExecutionMode__Output as _spearlet_ExecutionMode__Output } from '../spearlet/ExecutionMode.js';
import type { ExecutionContext as _spearlet_ExecutionContext, ExecutionContext__Output as _spearlet_ExecutionContext__Output } from '../spearlet/ExecutionContext.js';

export interface InvokeFunctionRequest {
  'invocationType'?: (_spearlet_InvocationType);
  'taskName'?: (string);
  'taskDescription'?: (string);
  'artifactSpec'?: (_spearlet_ArtifactSpec | null);
  'taskId'?: (string);
  'functionName'?: (string);
  'parameters'?: (_spearlet_FunctionParameter)[];
  'executionMode'?: (_spearlet_ExecutionMode);
  'context'?: (_spearlet_ExecutionContext | null);
  'createIfNotExists'?: (boolean);
  'forceNewInstance'?: (boolean);
  'invocationMetadata'?: ({[key: string]: string});
  'wait'?: (boolean);
  'executionId'?: (string);
  '_executionId'?: "executionId";
}

export interface InvokeFunctionRequest__Output {
  'invocationType': (_spearlet_InvocationType__Output);
  'taskName': (string);
  'taskDescription': (string);
  'artifactSpec': (_spearlet_ArtifactSpec__Output | null);
  'taskId': (string);
  'functionName': (string);
  'parameters': (_spearlet_FunctionParameter__Output)[];
  'executionMode': (_spearlet_ExecutionMode__Output);
  'context': (_spearlet_ExecutionContext__Output | null);
  'createIfNotExists': (boolean);
  'forceNewInstance': (boolean);
  'invocationMetadata': ({[key: string]: string});
  'wait': (boolean);
  'executionId'?: (string);
  '_executionId'?: "executionId";
}
