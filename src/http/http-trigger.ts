/**
 * The HTTP trigger (--http-listen): tasks called with plain HTTP/1.1, e.g. with curl.
 *
 *   POST /v1/tasks/{name-or-id}[/{function}]   call (see http-invoke.ts)
 *   GET  /v1/executions/{id}[?logs=true]       an execution's status, result and logs
 *
 * Errors answer JSON {code, message[, field]} with the status from server/http-status-map.ts.
 * Request bodies are capped at maxHttpBodyBytes. See docs/http-trigger.md.
 */
import * as http from 'node:http';
import { parseHostPort } from '../config.js';
import type { SpearletCore } from '../core/spearlet-core.js';
import type { Authenticator } from '../auth/authenticator.js';
import { ErrorCodes, SpearletError, invalidArgument } from '../errors.js';
import type { Logger } from '../logger.js';
import { httpError } from '../server/http-status-map.js';
import { type HttpCaller, httpCaller, ownExecution } from './http-auth.js';
import { invokeOverHttp } from './http-invoke.js';
import { resultJsonText } from './http-values.js';

export interface HttpTrigger {
  /** host:port actually bound. */
  readonly address: string;
  /** Stops accepting connections and closes idle ones; calls in flight finish. */
  close(): Promise<void>;
}

const TASK_ROUTE = /^\/v1\/tasks\/([^/]+)(?:\/([^/]+))?\/?$/;
const EXECUTION_ROUTE = /^\/v1\/executions\/([^/]+)\/?$/;

class TooLarge extends SpearletError {
  constructor(max: number) {
    super(ErrorCodes.INVALID_ARGUMENT, `body: is larger than ${max} bytes`, { field: 'body' });
  }
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return Promise.reject(new TooLarge(max));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size > max) {
        reject(new TooLarge(max));
        req.destroy();
      } else parts.push(part);
    });
    req.on('end', () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function decodeSegment(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidArgument(field, 'is not a valid percent-encoded path segment');
  }
}

async function executionOverHttp(core: SpearletCore, caller: HttpCaller, res: http.ServerResponse, executionId: string, query: URLSearchParams): Promise<void> {
  const record = ownExecution(core, caller, executionId, await core.executions.status(executionId));
  const withLogs = query.get('logs') === 'true' || query.get('logs') === '1';
  const fields = [
    `"executionId":${JSON.stringify(record.executionId)}`,
    `"taskId":${JSON.stringify(record.taskId)}`,
    `"functionName":${JSON.stringify(record.functionName)}`,
    `"status":${JSON.stringify(record.status)}`,
    `"result":${resultJsonText(record.result)}`,
    `"errorCode":${JSON.stringify(record.errorCode ?? '')}`,
    `"errorMessage":${JSON.stringify(record.errorMessage ?? '')}`,
    `"executionTimeMs":${record.executionTimeMs}`,
    ...(withLogs ? [`"logs":${JSON.stringify(record.logs)}`] : []),
  ];
  res.writeHead(200, { 'content-type': 'application/json' }).end(`{${fields.join(',')}}`);
}

const NO_QUERY = new URLSearchParams();

/**
 * The path and query of a request target. A WHATWG URL parse cost ~12 µs of a warm call's ~800 µs
 * of server CPU on this path; the routes need only the path and, when there is one, the query.
 */
function target(raw: string | undefined): { path: string; query: URLSearchParams } {
  const url = raw ?? '/';
  const mark = url.indexOf('?');
  // Anything a URL parse would change (dot segments, also percent-encoded, backslashes) takes it.
  if (url.startsWith('/') && !url.startsWith('//') && !/[#\\]|\/\.|%2e/i.test(url)) {
    return mark < 0 ? { path: url, query: NO_QUERY } : { path: url.slice(0, mark), query: new URLSearchParams(url.slice(mark + 1)) };
  }
  const parsed = new URL(url, 'http://spearlet');
  return { path: parsed.pathname, query: parsed.searchParams };
}

async function route(core: SpearletCore, authenticator: Authenticator | undefined, maxBody: number, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { path, query } = target(req.url);
  const caller = httpCaller(authenticator, req);
  const task = TASK_ROUTE.exec(path);
  if (task) {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    const body = await readBody(req, maxBody);
    return invokeOverHttp(core, caller, req, res, decodeSegment(task[1], 'path.task'), task[2] === undefined ? '' : decodeSegment(task[2], 'path.function'), query, body);
  }
  const execution = EXECUTION_ROUTE.exec(path);
  if (execution) {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    return executionOverHttp(core, caller, res, decodeSegment(execution[1], 'path.execution_id'), query);
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: `no route ${req.method} ${path.slice(0, 200)}; see POST /v1/tasks/{name-or-id}/{function} and GET /v1/executions/{id}` }));
}

function methodNotAllowed(res: http.ServerResponse, allow: string): void {
  res.writeHead(405, { 'content-type': 'application/json', allow }).end(JSON.stringify({ code: 'METHOD_NOT_ALLOWED', message: `use ${allow}` }));
}

/** Starts the HTTP trigger on `listen` (HOST:PORT; port 0 picks one). */
export async function startHttpTrigger(listen: string, core: SpearletCore, maxBody: number, log: Logger, authenticator?: Authenticator): Promise<HttpTrigger> {
  const { host, port } = parseHostPort('httpListen', listen);
  const server = http.createServer((req, res) => {
    route(core, authenticator, maxBody, req, res).catch((err: unknown) => {
      const { status, body } = httpError(err);
      if (status >= 500) log.error({ err }, 'HTTP trigger request failed');
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json', ...(err instanceof TooLarge ? { connection: 'close' } : {}) }).end(JSON.stringify(body));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new SpearletError(ErrorCodes.INVALID_CONFIG, `httpListen: cannot listen on ${listen}: ${err.message}`, { field: 'httpListen', cause: err })));
    server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  return {
    address: `${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
