/**
 * The one place where coded errors become gRPC statuses. Unknown errors become INTERNAL.
 */
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { type ErrorCode, ErrorCodes, toSpearletError } from '../errors.js';

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, GrpcStatus>> = {
  [ErrorCodes.INVALID_ARGUMENT]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCodes.UNKNOWN_ARTIFACT_TYPE]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCodes.INVALID_ARTIFACT]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCodes.CHECKSUM_MISMATCH]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCodes.ARTIFACT_TOO_LARGE]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCodes.ARTIFACT_UNREADABLE]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCodes.ARTIFACT_FORBIDDEN]: GrpcStatus.PERMISSION_DENIED,
  [ErrorCodes.FUNCTION_NOT_FOUND]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCodes.TASK_NOT_FOUND]: GrpcStatus.NOT_FOUND,
  [ErrorCodes.EXECUTION_NOT_FOUND]: GrpcStatus.NOT_FOUND,
  [ErrorCodes.ALREADY_EXISTS]: GrpcStatus.ALREADY_EXISTS,
  [ErrorCodes.CAPACITY_EXHAUSTED]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ErrorCodes.TASK_BUSY]: GrpcStatus.FAILED_PRECONDITION,
  [ErrorCodes.SHUTTING_DOWN]: GrpcStatus.UNAVAILABLE,
  [ErrorCodes.STORE_UNAVAILABLE]: GrpcStatus.UNAVAILABLE,
  [ErrorCodes.INVALID_CONFIG]: GrpcStatus.INTERNAL,
  [ErrorCodes.SECRETS_UNAVAILABLE]: GrpcStatus.FAILED_PRECONDITION,
  [ErrorCodes.SECRET_NOT_FOUND]: GrpcStatus.NOT_FOUND,
  [ErrorCodes.INTERNAL]: GrpcStatus.INTERNAL,
  [ErrorCodes.UNAUTHENTICATED]: GrpcStatus.UNAUTHENTICATED,
  [ErrorCodes.PERMISSION_DENIED]: GrpcStatus.PERMISSION_DENIED,
  [ErrorCodes.QUOTA_EXCEEDED]: GrpcStatus.RESOURCE_EXHAUSTED,
};

/**
 * Longest message a status carries (it travels in the grpc-message trailer, which every call on the
 * HTTP/2 connection waits behind): a message that echoes input is cut here whatever its source.
 */
export const MAX_STATUS_MESSAGE_LENGTH = 2048;

/** The gRPC status for an error. */
export function grpcStatusOf(err: unknown): GrpcStatus {
  return STATUS_BY_CODE[toSpearletError(err).code] ?? GrpcStatus.INTERNAL;
}

/**
 * A grpc-js ServiceError for anything thrown. The message says what was wrong and with which field;
 * trailers carry the stable code (`spearlet-error-code`) and field (`spearlet-field`) for clients.
 */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const e = toSpearletError(err);
  const metadata = new Metadata();
  metadata.set('spearlet-error-code', e.code);
  if (e.field) metadata.set('spearlet-field', e.field);
  const message = e.message.length > MAX_STATUS_MESSAGE_LENGTH ? `${e.message.slice(0, MAX_STATUS_MESSAGE_LENGTH)}… [message cut]` : e.message;
  return { code: STATUS_BY_CODE[e.code] ?? GrpcStatus.INTERNAL, details: message, message, metadata };
}
