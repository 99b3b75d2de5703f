/** Options: what one execution and one request may use (docs/limits-input.md, docs/limits-guest.md). */
import { group, int, option, zeroOr } from './option.js';

export const LIMIT_OPTIONS = group('Execution and request limits', [
  option({ key: 'defaultTimeoutMs', flag: 'default-timeout-ms', arg: 'N', schema: int(1), default: 30_000, help: 'execution timeout when the task sets none' }),
  option({ key: 'maxTimeoutMs', flag: 'max-timeout-ms', arg: 'N', schema: int(1), default: 300_000, help: 'execution timeout cap' }),
  option({ key: 'defaultMemoryLimitMb', flag: 'default-memory-limit-mb', arg: 'N', schema: int(8, 65536), default: 128, help: 'instance memory when the task sets none' }),
  option({ key: 'maxMemoryLimitMb', flag: 'max-memory-limit-mb', arg: 'N', schema: int(8, 65536), default: 1024, help: 'instance memory cap' }),
  option({ key: 'maxLogLinesPerExecution', flag: 'max-log-lines-per-execution', arg: 'N', schema: int(1), default: 1000, help: 'log lines kept per execution' }),
  option({ key: 'maxLogLineBytes', flag: 'max-log-line-bytes', arg: 'N', schema: int(16), default: 8192, help: 'longest log line kept' }),
  option({ key: 'maxConcurrentExecutions', flag: 'max-concurrent-executions', arg: 'N', schema: int(1), default: 64, help: 'executions running at once' }),
  option({ key: 'maxQueueLength', flag: 'max-queue-length', arg: 'N', schema: int(0), default: 256, help: 'executions waiting beyond that' }),
  option({ key: 'queueTimeoutMs', flag: 'queue-timeout-ms', arg: 'N', schema: int(1), default: 10_000, help: 'how long one may wait' }),
  option({ key: 'streamWindowChunks', flag: 'stream-window-chunks', arg: 'N', schema: int(1, 100_000), default: 16, help: 'streamed chunks a generator may have on their way to a client before it waits (flow control)', see: 'limits-streams-artifacts.md' }),
  option({ key: 'streamWindowBytes', flag: 'stream-window-bytes', arg: 'N', schema: int(1024), default: 1024 * 1024, help: 'the same bound in bytes' }),
  option({
    key: 'maxRequestBytes', flag: 'max-request-bytes', arg: 'N', schema: zeroOr('room for an inline artifact of --max-artifact-bytes', 1, 2 ** 31 - 1), default: 0,
    defaultText: 'room for the largest inline artifact', help: 'largest gRPC request message', see: 'limits-input.md',
  }),
  option({ key: 'maxParameters', flag: 'max-parameters', arg: 'N', schema: int(1, 1_000_000), default: 1024, help: 'parameters per invocation' }),
  option({ key: 'maxParameterBytes', flag: 'max-parameter-bytes', arg: 'N', schema: int(1), default: 8 * 1024 * 1024, help: 'bytes of all parameter values of one request together' }),
  option({ key: 'maxMetadataEntries', flag: 'max-metadata-entries', arg: 'N', schema: int(0, 100_000), default: 64, help: 'invocation_metadata entries per request' }),
  option({ key: 'maxMetadataValueBytes', flag: 'max-metadata-value-bytes', arg: 'N', schema: int(16), default: 4096, help: 'longest invocation_metadata key or value' }),
  option({ key: 'maxResultBytes', flag: 'max-result-bytes', arg: 'N', schema: int(16), default: 3 * 1024 * 1024, help: 'largest result (bytes on the wire); over it the execution ends FAILED / RESULT_TOO_LARGE' }),
  option({ key: 'maxErrorMessageBytes', flag: 'max-error-message-bytes', arg: 'N', schema: int(64), default: 8192, help: 'longest error message kept (characters); longer ones are cut with a marker' }),
]);
