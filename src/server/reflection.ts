/**
 * gRPC server reflection (v1 and v1alpha), so `grpcurl -plaintext HOST:PORT list` and `describe`
 * work without the .proto files. It describes spearlet.FunctionService and grpc.health.v1.Health.
 */
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { LOADER_OPTIONS, loadProto } from './proto.js';

export function addReflection(server: grpc.Server): void {
  const health = protoLoader.loadSync(healthProtoPath, LOADER_OPTIONS);
  new ReflectionService({ ...loadProto().definition, ...health }).addToServer(server);
}
