/**
 * `invoke --stream`: prints each chunk as it arrives (stdout; one JSON line per message with
 * --json), log lines on stderr, then the final status. Ctrl-C cancels the stream, which cancels
 * the execution on the server.
 */
import type { FunctionClient } from '../client/function-client.js';
import type { InvokeFunctionRequest } from '../generated/spearlet/InvokeFunctionRequest.js';
import type { StreamExecutionResult__Output } from '../generated/spearlet/StreamExecutionResult.js';
import { Exit, type Io, paintFor } from './command.js';
import { resultValue, short, showValue, statusText } from './format.js';
import { startProgress } from './progress.js';

const line = (o: Record<string, unknown>) => `${JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`;

export function streamInvocation(client: FunctionClient, req: InvokeFunctionRequest, json: boolean, io: Io): Promise<number> {
  const err = paintFor(io, 'stderr');
  const call = client.streamCall(req);
  const progress = startProgress('streaming', io.stderr);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    call.cancel();
  };
  process.once('SIGINT', onSigint);
  return new Promise<number>((resolve, reject) => {
    let final: StreamExecutionResult__Output | undefined;
    let executionId = '';
    call.on('data', (m: StreamExecutionResult__Output) => {
      executionId ||= m.executionId;
      const kind = m.metadata?.kind ?? '';
      const value = resultValue(m.chunkData);
      if (m.isFinal) final = m;
      else if (kind === 'data' && value) progress.print(json ? line({ type: 'chunk', executionId, value: value.value }).trimEnd() : showValue(value), io.stdout);
      else if (kind === 'log' && value) progress.print(json ? line({ type: 'log', executionId, line: value.value }).trimEnd() : `${err.dim('│')} ${String(value.value)}`, json ? io.stdout : io.stderr);
      else if (kind === 'status') progress.update(`${executionId} ${short(m.status)}`);
    });
    const finish = (code: number) => {
      progress.stop();
      process.removeListener('SIGINT', onSigint);
      resolve(code);
    };
    call.on('error', (e) => {
      progress.stop();
      process.removeListener('SIGINT', onSigint);
      if (interrupted) {
        io.stderr.write(`${err.dim('CANCELLED')} ${executionId}: the stream was cancelled (the execution is cancelled too)\n`);
        resolve(130);
      } else reject(e);
    });
    call.on('end', () => {
      progress.stop();
      if (!final) {
        io.stderr.write('the stream ended without a final message\n');
        return finish(Exit.ERROR);
      }
      const status = short(final.status);
      const errorCode = final.metadata?.error_code ?? '';
      if (json) io.stdout.write(line({ type: 'final', executionId, status, errorCode, errorMessage: final.errorMessage, metadata: final.metadata }));
      else {
        io.stderr.write(`${statusText(status, err)} ${err.bold(executionId)}\n`);
        if (final.errorMessage) io.stderr.write(`${err.red(errorCode || 'error')}: ${final.errorMessage}\n`);
      }
      finish(status === 'COMPLETED' ? Exit.OK : Exit.NOT_COMPLETED);
    });
  });
}
