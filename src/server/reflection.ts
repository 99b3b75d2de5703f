/**
 * gRPC server reflection (v1 and v1alpha), so `grpcurl -plaintext HOST:PORT list` and `describe`
 * work without the .proto files. It describes spearlet.FunctionService, grpc.health.v1.Health and
 * the google.protobuf wrapper and Struct types, so grpcurl can also build the `Any` values of
 * parameters (`{"@type": "type.googleapis.com/google.protobuf.StringValue", "value": "ada"}`).
 */
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { LOADER_OPTIONS, PROTO_PATH } from './proto.js';
import { SECRETS_PROTO_PATH } from './secret-service.js';

/** Files loaded together: the reflection index keeps one file per name, so google.protobuf types must come in one load. */
const FILES = [PROTO_PATH, SECRETS_PROTO_PATH, 'google/protobuf/wrappers.proto', 'google/protobuf/struct.proto', healthProtoPath];

export function addReflection(server: grpc.Server): void {
  new ReflectionService(protoLoader.loadSync(FILES, LOADER_OPTIONS)).addToServer(server);
}
