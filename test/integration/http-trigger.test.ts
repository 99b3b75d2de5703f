/**
 * The HTTP trigger against a real server: calls with a real HTTP client (fetch) and with curl,
 * outcomes as HTTP statuses, JSON errors, async polling, generators as server-sent events and as
 * JSON lines, request headers in ctx, and the body cap.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, fixtureSpec, jsSpec, startTestServer } from './harness.js';

const run = promisify(execFile);
let t: TestServer;
let base: string;

beforeAll(async () => {
  t = await startTestServer({ httpListen: '127.0.0.1:0', maxHttpBodyBytes: 4096 });
  base = `http://${t.server.httpAddress}`;
  await t.client.deployTask({ taskName: 'basics', artifactSpec: await fixtureSpec('js/basics.js') });
  await t.client.deployTask({ taskName: 'streaming', artifactSpec: await fixtureSpec('js/streaming.js') });
  await t.client.deployTask({
    taskName: 'web',
    artifactSpec: jsSpec(`
      export function headers(p, ctx) { return { agent: ctx.headers['user-agent'], custom: ctx.headers['x-custom'], auth: ctx.headers.authorization ?? null }; }
      export async function slow({ ms }) { await new Promise((r) => setTimeout(r, ms)); return 'late'; }
      export function spin() { for (;;); }
    `, { timeout_ms: '300' }),
  });
});
afterAll(() => t.stop());

const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('HTTP trigger', () => {
  it('POST calls a function by task name with a JSON body and answers its JSON result', async () => {
    const res = await post('/v1/tasks/basics/add', { a: 2, b: 40 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-spearlet-execution-id')).toMatch(/^exec-/);
    expect(await res.json()).toBe(42);
    // By task id, and the default export with no function segment.
    const taskId = res.headers.get('x-spearlet-task-id')!;
    expect(await (await post(`/v1/tasks/${taskId}/greet`, { name: 'ada' })).json()).toBe('hello, ada');
    expect(await (await post('/v1/tasks/basics', { x: 1 })).json()).toEqual({ x: 1 });
  });

  it('bytes results come back as bytes', async () => {
    const res = await post('/v1/tasks/basics/bytes', { n: 3 });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0, 1, 2]);
  });

  it('outcomes and errors map to HTTP statuses with a JSON {code, message}', async () => {
    const failed = await post('/v1/tasks/basics/fails', { message: 'nope' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ code: 'FUNCTION_ERROR', message: 'TypeError: nope', status: 'FAILED' });
    const timeout = await post('/v1/tasks/web/spin');
    expect(timeout.status).toBe(504);
    expect(await timeout.json()).toMatchObject({ code: 'TIMEOUT' });
    const noTask = await post('/v1/tasks/missing/x');
    expect(noTask.status).toBe(404);
    expect(await noTask.json()).toEqual({ code: 'TASK_NOT_FOUND', message: "task_name: no task named 'missing'", field: 'task_name' });
    const noFn = await post('/v1/tasks/basics/nope');
    expect(noFn.status).toBe(404);
    expect(await noFn.json()).toMatchObject({ code: 'FUNCTION_NOT_FOUND', field: 'function_name' });
    const badJson = await fetch(`${base}/v1/tasks/basics/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'body' });
    const notObject = await post('/v1/tasks/basics/add', [1, 2]);
    expect(await notObject.json()).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('must be a JSON object') });
    const unnamed = await post('/v1/tasks/basics/add', { '': 1 });
    expect(unnamed.status).toBe(400);
    expect(await unnamed.json()).toEqual({ code: 'INVALID_ARGUMENT', message: 'body: a member name (a parameter name) must not be empty', field: 'body' });
    const badQuery = await post('/v1/tasks/basics/add?mdoe=async', {});
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toMatchObject({ field: 'query.mdoe' });
    const tooBig = await post('/v1/tasks/basics', { s: 'x'.repeat(5000) });
    expect(tooBig.status).toBe(400);
    expect(await tooBig.json()).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'body: is larger than 4096 bytes' });
    const wrongMethod = await fetch(`${base}/v1/tasks/basics/add`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('?mode=async answers 202 with the execution id and a URL to poll', async () => {
    const res = await post('/v1/tasks/web/slow?mode=async', { ms: 100 });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { executionId: string; statusUrl: string; status: string };
    expect(accepted.statusUrl).toBe(`/v1/executions/${accepted.executionId}`);
    expect(res.headers.get('location')).toBe(accepted.statusUrl);
    let body: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      body = (await (await fetch(`${base}${accepted.statusUrl}?logs=true`)).json()) as Record<string, unknown>;
      if (body.status === 'COMPLETED') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(body).toMatchObject({ executionId: accepted.executionId, status: 'COMPLETED', result: 'late', logs: [] });
    const unknown = await fetch(`${base}/v1/executions/exec-nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'EXECUTION_NOT_FOUND' });
  });

  it('a generator streams as server-sent events, or as JSON lines', async () => {
    const sse = await post('/v1/tasks/streaming/ticker', { n: 3 }, { accept: 'text/event-stream' });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toBe('text/event-stream');
    const events = (await sse.text()).trim().split('\n\n').map((e) => {
      const [event, data] = e.split('\n');
      return [event.replace('event: ', ''), JSON.parse(data.replace('data: ', ''))];
    });
    expect(events.map(([e]) => e)).toEqual(['start', 'log', 'chunk', 'log', 'chunk', 'log', 'chunk', 'end']);
    expect(events.filter(([e]) => e === 'chunk').map(([, d]) => d)).toEqual([{ tick: 0 }, { tick: 1 }, { tick: 2 }]);
    expect(events.at(-1)?.[1]).toMatchObject({ status: 'COMPLETED' });

    const lines = await post('/v1/tasks/streaming/failsMidway');
    expect(lines.headers.get('content-type')).toBe('application/x-ndjson');
    const parsed = (await lines.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: any });
    expect(parsed.map((l) => l.type)).toEqual(['start', 'chunk', 'end']);
    expect(parsed[1].data).toBe('first');
    expect(parsed[2].data).toMatchObject({ status: 'FAILED', errorCode: 'FUNCTION_ERROR', errorMessage: 'Error: stream broke' });
  });

  it('the guest sees the request headers in ctx, but not the Authorization header', async () => {
    const res = await post('/v1/tasks/web/headers', {}, { 'x-custom': 'yes', 'user-agent': 'test-agent/1', authorization: 'Bearer secret' });
    expect(await res.json()).toEqual({ agent: 'test-agent/1', custom: 'yes', auth: null });
  });

  it('reads the request target as a URL does: dot segments, also percent-encoded, resolve before routing', async () => {
    for (const path of ['/v1/tasks/nope/../basics/add', '/v1/tasks/x/%2e%2E/basics/add?mode=sync']) {
      const { stdout } = await run('curl', ['-sS', '--path-as-is', '-X', 'POST', `${base}${path}`, '-H', 'content-type: application/json', '-d', '{"a":1,"b":2}', '-w', '\\n%{http_code}']);
      expect(stdout).toBe('3\n200');
    }
  });

  it("a SYNC call that runs past the deferral is listed RUNNING before it ends, then COMPLETED", async () => {
    const first = await post('/v1/tasks/web/slow', { ms: 1 });
    const taskId = first.headers.get('x-spearlet-task-id')!;
    const slow = post('/v1/tasks/web/slow', { ms: 250 });
    const running = async () => (await t.client.listExecutions({ taskId, statusFilter: 'EXECUTION_STATUS_RUNNING', limit: 10 })).executions;
    let listed = await running();
    for (let i = 0; i < 40 && listed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
      listed = await running();
    }
    expect(listed).toHaveLength(1);
    const res = await slow;
    expect(await res.json()).toBe('late');
    expect(res.headers.get('x-spearlet-execution-id')).toBe(listed[0].executionId);
    expect(await running()).toEqual([]);
  });

  it('works with curl', async () => {
    const { stdout } = await run('curl', ['-sS', '-X', 'POST', `${base}/v1/tasks/basics/add`, '-H', 'content-type: application/json', '-d', '{"a":20,"b":22}', '-w', '\\n%{http_code}']);
    expect(stdout).toBe('42\n200');
    const { stdout: streamed } = await run('curl', ['-sSN', '-X', 'POST', `${base}/v1/tasks/streaming/count`, '-H', 'accept: text/event-stream', '-H', 'content-type: application/json', '-d', '{"n":2}']);
    expect(streamed).toMatch(/^event: start\ndata: \{"executionId":"exec-[^"]+","taskId":"task-[^"]+"\}\n\nevent: chunk\ndata: 1\n\nevent: chunk\ndata: 2\n\nevent: end\ndata: \{"status":"COMPLETED"/);
    const { stdout: notFound } = await run('curl', ['-sS', '-X', 'POST', `${base}/v1/tasks/nope/x`, '-w', '\\n%{http_code}']);
    expect(notFound).toBe(`{"code":"TASK_NOT_FOUND","message":"task_name: no task named 'nope'","field":"task_name"}\n404`);
  });
});
