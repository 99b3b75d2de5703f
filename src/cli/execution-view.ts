/**
 * Shows one execution's outcome: the result value on stdout (so it pipes), the status line, error
 * and logs on stderr; or one JSON object on stdout with --json. Shared by `invoke` and `status`.
 */
import type { ExecutionResult__Output } from '../generated/spearlet/ExecutionResult.js';
import { Exit, type Io, paintFor } from './command.js';
import { duration, resultJson, resultValue, short, showValue, statusText } from './format.js';
import { toJson } from './output.js';

export interface ExecutionView {
  executionId: string;
  taskId: string;
  /** The function that ran, when the caller knows it. */
  functionName?: string;
  result: ExecutionResult__Output | null;
  logs?: string[];
  /** --raw: a bytes result is written as its bytes, a string as it is (no newline added). */
  raw?: boolean;
}

/** The exit code for an execution's status: 0 COMPLETED, 4 still PENDING or RUNNING, 3 ended otherwise. */
export function exitFor(result: ExecutionResult__Output | null): number {
  const status = short(result?.status);
  if (status === 'COMPLETED') return Exit.OK;
  return status === 'PENDING' || status === 'RUNNING' ? Exit.STILL_RUNNING : Exit.NOT_COMPLETED;
}

/** The result as --raw writes it: bytes as bytes, a string as it is, anything else as one line of JSON. */
function rawValue(value: { type: string; value: unknown }): Uint8Array | string {
  if (value.type === 'BytesValue') return Buffer.from(String(value.value), 'base64');
  if (value.type === 'StringValue') return String(value.value);
  return `${JSON.stringify(value.value)}\n`;
}

export function printExecution(view: ExecutionView, json: boolean, io: Io): number {
  const r = view.result;
  if (json) {
    const extra = { ...(view.functionName ? { functionName: view.functionName } : {}), ...(view.logs ? { logs: view.logs } : {}) };
    io.stdout.write(toJson(resultJson(view.executionId, view.taskId, r, extra)));
    return exitFor(r);
  }
  const err = paintFor(io, 'stderr');
  for (const line of view.logs ?? []) io.stderr.write(`${err.dim('│')} ${line}\n`);
  const m = r?.metrics ?? {};
  const facts = [`in ${duration(r?.executionTimeMs ?? 0)}`];
  if (m.cold_start === 'true') facts.push('cold start');
  if (m.attempts && m.attempts !== '1') facts.push(`${m.attempts} attempts`);
  io.stderr.write(`${statusText(short(r?.status), err)} ${err.bold(view.executionId)} ${err.dim(`task ${view.taskId} · ${facts.join(' · ')}`)}\n`);
  if (r?.errorCode || r?.errorMessage) io.stderr.write(`${err.red(r.errorCode || 'error')}: ${r.errorMessage}\n`);
  const value = resultValue(r?.result);
  if (value) io.stdout.write(view.raw ? rawValue(value) : `${showValue(value)}\n`);
  return exitFor(r);
}
