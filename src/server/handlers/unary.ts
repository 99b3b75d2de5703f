/**
 * Adapts an async handler to grpc-js's callback style, mapping errors through the status map.
 */
import type * as grpc from '@grpc/grpc-js';
import { toServiceError } from '../status-map.js';

export type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

export function unary<Req, Res>(fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (err) => callback(toServiceError(err)),
    );
  };
}
