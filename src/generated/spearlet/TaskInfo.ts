// Original file: proto/spearlet/function.proto

import type { ArtifactSpec as _spearlet_ArtifactSpec, ArtifactSpec__Output as _spearlet_ArtifactSpec__Output } from '../spearlet/ArtifactSpec.js';
import type { ExecutionStatus as _spearlet_ExecutionStatus, ExecutionStatus__Output as _spearlet_ExecutionStatus__Output } from '../spearlet/ExecutionStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskInfo {
  'taskId'?: (string);
  'taskName'?: (string);
  'artifactSpec'?: (_spearlet_ArtifactSpec | null);
  'createdAt'?: (number | string | Long);
  'updatedAt'?: (number | string | Long);
  'executionCount'?: (number);
  'lastStatus'?: (_spearlet_ExecutionStatus);
  'metadata'?: ({[key: string]: string});
}

export interface TaskInfo__Output {
  'taskId': (string);
  'taskName': (string);
  'artifactSpec': (_spearlet_ArtifactSpec__Output | null);
  'createdAt': (string);
  'updatedAt': (string);
  'executionCount': (number);
  'lastStatus': (_spearlet_ExecutionStatus__Output);
  'metadata': ({[key: string]: string});
}
