/**
 * The one place where coded errors and execution outcomes become HTTP statuses (the HTTP
 * trigger), beside status-map.ts for gRPC. An error code missing from the table (added later)
 * gets the HTTP status of its gRPC status, so every code answers something sensible.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { type ErrorCode, ErrorCodes, OutcomeCodes, toSpearletError } from '../errors.js';
import type { ExecutionRecord } from '../store/records.js';
import { STATUS_BY_CODE } from './status-map.js';

export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  [ErrorCodes.INVALID_ARGUMENT]: 400,
  [ErrorCodes.UNKNOWN_ARTIFACT_TYPE]: 400,
  [ErrorCodes.INVALID_ARTIFACT]: 400,
  [ErrorCodes.CHECKSUM_MISMATCH]: 400,
  [ErrorCodes.ARTIFACT_TOO_LARGE]: 413,
  [ErrorCodes.ARTIFACT_UNREADABLE]: 400,
  [ErrorCodes.ARTIFACT_FORBIDDEN]: 403,
  [ErrorCodes.FUNCTION_NOT_FOUND]: 404,
  [ErrorCodes.TASK_NOT_FOUND]: 404,
  [ErrorCodes.EXECUTION_NOT_FOUND]: 404,
  [ErrorCodes.CAPACITY_EXHAUSTED]: 429,
  [ErrorCodes.TASK_BUSY]: 409,
  [ErrorCodes.ALREADY_EXISTS]: 409,
  [ErrorCodes.UNAUTHENTICATED]: 401,
  [ErrorCodes.PERMISSION_DENIED]: 403,
  [ErrorCodes.QUOTA_EXCEEDED]: 429,
  [ErrorCodes.SECRETS_UNAVAILABLE]: 503,
  [ErrorCodes.SECRET_NOT_FOUND]: 404,
  [ErrorCodes.SHUTTING_DOWN]: 503,
  [ErrorCodes.STORE_UNAVAILABLE]: 503,
  [ErrorCodes.INVALID_CONFIG]: 500,
  [ErrorCodes.INTERNAL]: 500,
};

/** The usual HTTP status of each gRPC status (grpc-gateway's mapping), for codes not in the table. */
const HTTP_BY_GRPC: Readonly<Partial<Record<GrpcStatus, number>>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 429,
  [GrpcStatus.CANCELLED]: 499,
  [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DEADLINE_EXCEEDED]: 504,
};

/** How an execution that ended other than COMPLETED answers, by its error_code. */
export const HTTP_STATUS_BY_OUTCOME: Readonly<Record<string, number>> = {
  [OutcomeCodes.FUNCTION_ERROR]: 500,
  [OutcomeCodes.TRAP]: 500,
  [OutcomeCodes.EXIT_CODE]: 500,
  [OutcomeCodes.OUT_OF_MEMORY]: 500,
  [OutcomeCodes.RESULT_NOT_SERIALIZABLE]: 500,
  [OutcomeCodes.RESULT_TOO_LARGE]: 500,
  [OutcomeCodes.INVALID_PARAMETERS]: 400,
  [OutcomeCodes.TIMEOUT]: 504,
  [OutcomeCodes.QUEUE_TIMEOUT]: 503,
  [OutcomeCodes.CANCELLED]: 409,
  [OutcomeCodes.INSTANCE_FAILED]: 502,
  [OutcomeCodes.INTERRUPTED]: 503,
};

/** The HTTP status and JSON body of an error thrown before or instead of an execution. */
export function httpError(err: unknown): { status: number; body: { code: string; message: string; field?: string } } {
  const e = toSpearletError(err);
  const status = HTTP_STATUS_BY_CODE[e.code] ?? HTTP_BY_GRPC[STATUS_BY_CODE[e.code] ?? GrpcStatus.INTERNAL] ?? 500;
  return { status, body: e.field ? { code: e.code, message: e.message, field: e.field } : { code: e.code, message: e.message } };
}

/** The HTTP status of a finished execution: 200 when COMPLETED, else by its error_code (500 when unknown). */
export function httpStatusOfExecution(record: ExecutionRecord): number {
  if (record.status === 'COMPLETED') return 200;
  return HTTP_STATUS_BY_OUTCOME[record.errorCode ?? ''] ?? (record.status === 'TIMEOUT' ? 504 : record.status === 'CANCELLED' ? 409 : 500);
}
