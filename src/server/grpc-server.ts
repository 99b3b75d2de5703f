/**
 * The gRPC server: FunctionService bound to the core. Thin: every handler decodes, calls the core,
 * encodes.
 */
import * as grpc from '@grpc/grpc-js';
import type { SpearletCore } from '../core/spearlet-core.js';
import { ErrorCodes, SpearletError } from '../errors.js';
import type { FunctionServiceHandlers } from '../generated/spearlet/FunctionService.js';
import { parseHostPort } from '../config.js';
import { cancelExecution, getExecutionStatus, listExecutions } from './handlers/executions.js';
import { getHealth, getStats } from './handlers/health.js';
import { deployTask, followExecutionLogs } from './handlers/deploy-logs.js';
import { invokeFunction, streamFunction } from './handlers/invoke.js';
import { deleteTask, getTask, listTasks } from './handlers/tasks.js';
import { loadProto } from './proto.js';
import { guardHandlers, guardedService } from './request-guard.js';

export function functionServiceHandlers(core: SpearletCore): FunctionServiceHandlers {
  return {
    InvokeFunction: invokeFunction(core),
    StreamFunction: streamFunction(core),
    GetExecutionStatus: getExecutionStatus(core),
    CancelExecution: cancelExecution(core),
    ListExecutions: listExecutions(core),
    ListTasks: listTasks(core),
    GetTask: getTask(core),
    DeleteTask: deleteTask(core),
    GetHealth: getHealth(core),
    GetStats: getStats(core),
    DeployTask: deployTask(core),
    FollowExecutionLogs: followExecutionLogs(core),
  };
}

/**
 * A grpc-js server with FunctionService added (not yet bound). Extensions add their services.
 * `wrap` puts the handlers behind the authentication and tenant guard (src/auth/guard.ts), which
 * runs before the request bounds (guardHandlers).
 */
export function createGrpcServer(core: SpearletCore, wrap: (handlers: FunctionServiceHandlers) => FunctionServiceHandlers = (h) => h): grpc.Server {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': core.config.maxRequestBytes });
  const service = guardedService(loadProto().grpcObject.spearlet.FunctionService.service, core.config);
  server.addService(service, wrap(guardHandlers(functionServiceHandlers(core))));
  return server;
}

/** Binds to `listen` (HOST:PORT, port 0 picks a free one); resolves with the bound port. */
export function bind(server: grpc.Server, listen: string, credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
  const { host, port } = parseHostPort('listen', listen);
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (err, bound) => {
      if (err) reject(new SpearletError(ErrorCodes.INVALID_CONFIG, `listen: cannot listen on ${listen}: ${err.message}`, { field: 'listen', cause: err }));
      else resolve(bound);
    });
  });
}
