// Original file: proto/spearlet/function.proto

import type { ArtifactSpec as _spearlet_ArtifactSpec, ArtifactSpec__Output as _spearlet_ArtifactSpec__Output } from '../spearlet/ArtifactSpec.js';

export interface DeployTaskRequest {
  'taskName'?: (string);
  'taskDescription'?: (string);
  'artifactSpec'?: (_spearlet_ArtifactSpec | null);
}

export interface DeployTaskRequest__Output {
  'taskName': (string);
  'taskDescription': (string);
  'artifactSpec': (_spearlet_ArtifactSpec__Output | null);
}
