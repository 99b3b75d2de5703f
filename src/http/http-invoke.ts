/**
 * POST /v1/tasks/{name-or-id}[/{function}]: one call of a task over HTTP. SYNC answers the
 * result (JSON, or bytes as application/octet-stream) with the status of its outcome;
 * ?mode=async answers 202 with the execution id and the URL to poll; a generator function (or
 * ?mode=stream) streams its chunks as server-sent events (Accept: text/event-stream) or as
 * chunked JSON lines. The request's headers reach the guest as ctx.headers.
 */
import type * as http from 'node:http';
import type { StreamSink } from '../core/execution/execution-manager.js';
import { type InvokeInput, existingTaskCall } from '../core/execution/invocation-plan.js';
import type { SpearletCore } from '../core/spearlet-core.js';
import type { EncodedValue } from '../core/values/values.js';
import { invalidArgument } from '../errors.js';
import type { ExecutionRecord } from '../store/records.js';
import { httpStatusOfExecution } from '../server/http-status-map.js';
import { type HttpCaller, checkChosenId, ownTask } from './http-auth.js';
import { chunkJsonText, parametersOfBody, resultBody, wireParameters } from './http-values.js';

/** Headers the guest never sees: the caller's credentials for this server. */
const HIDDEN_HEADERS = new Set(['authorization', 'proxy-authorization']);
const QUERY_KEYS = new Set(['mode', 'timeout_ms', 'execution_id']);

export const executionUrl = (id: string): string => `/v1/executions/${encodeURIComponent(id)}`;

function headersOf(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HIDDEN_HEADERS.has(key)) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function queryOf(query: URLSearchParams): { mode: 'sync' | 'async' | 'stream' | undefined; timeoutMs: number; executionId: string | undefined } {
  for (const key of query.keys()) if (!QUERY_KEYS.has(key)) throw invalidArgument(`query.${key.slice(0, 64)}`, `is not a known parameter; known: ${[...QUERY_KEYS].join(', ')}`);
  const mode = query.get('mode') ?? undefined;
  if (mode !== undefined && mode !== 'sync' && mode !== 'async' && mode !== 'stream') throw invalidArgument('query.mode', `must be sync, async or stream, got '${mode.slice(0, 64)}'`);
  const rawTimeout = query.get('timeout_ms');
  const timeoutMs = rawTimeout === null ? 0 : Number(rawTimeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw invalidArgument('query.timeout_ms', `must be a positive integer of milliseconds, got '${rawTimeout?.slice(0, 64)}'`);
  return { mode, timeoutMs, executionId: query.get('execution_id') ?? undefined };
}

const jsonHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });

/** Handles one call; throws coded errors (the caller answers them) before anything is written. */
export async function invokeOverHttp(core: SpearletCore, caller: HttpCaller, req: http.IncomingMessage, res: http.ServerResponse, taskRef: string, functionName: string, query: URLSearchParams, body: Buffer): Promise<void> {
  const q = queryOf(query);
  const task = ownTask(core, caller, taskRef, core.registry.get(taskRef) ?? core.registry.resolveName(taskRef));
  checkChosenId(caller, q.executionId);
  const fn = functionName === '' ? task.defaultExport : functionName;
  const generator = task.exports.find((e) => e.name === fn)?.kind === 'generator';
  const mode = q.mode === 'async' ? 'ASYNC' : q.mode === 'stream' || (q.mode === undefined && generator) ? 'STREAM' : 'SYNC';
  const decoded = parametersOfBody(body, req.headers['content-type']);
  // Only a call with an execution id needs the wire form: its fingerprint compares it with a retry's.
  const parameters = q.executionId === undefined ? [] : wireParameters(decoded);
  const input = existingTaskCall(task.taskId, functionName, parameters, { mode, headers: headersOf(req), timeoutMs: q.timeoutMs, executionId: q.executionId, decoded });
  if (mode === 'STREAM') return streamOverHttp(core, req, res, input);
  const accepted = await core.executions.invoke(input);
  const id = accepted.execution.executionId;
  const ids = { 'x-spearlet-execution-id': id, 'x-spearlet-task-id': accepted.execution.taskId };
  if (mode === 'ASYNC') {
    accepted.done.catch(() => undefined);
    const body = { executionId: id, taskId: accepted.execution.taskId, status: accepted.execution.status, statusUrl: executionUrl(id) };
    res.writeHead(202, jsonHeaders({ ...ids, location: executionUrl(id) })).end(JSON.stringify(body));
    return;
  }
  const record = await accepted.done;
  const status = httpStatusOfExecution(record);
  if (status !== 200) {
    res.writeHead(status, jsonHeaders(ids)).end(JSON.stringify({ code: record.errorCode ?? record.status, message: record.errorMessage ?? '', executionId: id, status: record.status }));
    return;
  }
  const out = resultBody(record);
  res.writeHead(200, { 'content-type': out.contentType, ...ids }).end(out.body);
}

/** Writes stream events as server-sent events or JSON lines; holds them until the start event is out. */
class HttpStreamSink implements StreamSink {
  private pending: string[] | undefined = [];

  constructor(
    private readonly res: http.ServerResponse,
    private readonly sse: boolean,
  ) {}

  event(type: string, json: string): void {
    const text = this.sse ? `event: ${type}\ndata: ${json}\n\n` : `{"type":${JSON.stringify(type)},"data":${json}}\n`;
    if (this.pending) this.pending.push(text);
    else if (!this.res.destroyed) this.res.write(text);
  }

  open(executionId: string, taskId: string): void {
    this.res.writeHead(200, {
      'content-type': this.sse ? 'text/event-stream' : 'application/x-ndjson',
      'cache-control': 'no-cache',
      'x-spearlet-execution-id': executionId,
      'x-spearlet-task-id': taskId,
    });
    this.res.write(this.sse ? `event: start\ndata: ${JSON.stringify({ executionId, taskId })}\n\n` : `{"type":"start","data":${JSON.stringify({ executionId, taskId })}}\n`);
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const text of pending) this.res.write(text);
  }

  chunk(value: EncodedValue): void {
    this.event('chunk', chunkJsonText(value));
  }

  log(line: string): void {
    this.event('log', JSON.stringify(line));
  }

  end(record: ExecutionRecord): void {
    const final = { status: record.status, errorCode: record.errorCode ?? '', errorMessage: record.errorMessage ?? '', executionTimeMs: record.executionTimeMs };
    this.event('end', JSON.stringify(final));
    this.res.end();
  }
}

async function streamOverHttp(core: SpearletCore, req: http.IncomingMessage, res: http.ServerResponse, input: InvokeInput): Promise<void> {
  const sse = /\btext\/event-stream\b/.test(req.headers.accept ?? '');
  const sink = new HttpStreamSink(res, sse);
  const accepted = await core.executions.invoke(input, sink);
  const id = accepted.execution.executionId;
  sink.open(id, accepted.execution.taskId);
  // A client that goes away cancels the execution, as a cancelled StreamFunction does.
  res.on('close', () => {
    if (!res.writableFinished) void core.executions.cancel(id, 'the HTTP client closed the stream').catch(() => undefined);
  });
  sink.end(await accepted.done);
}
