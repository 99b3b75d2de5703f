/**
 * Guest fetch over a real server: the request is made by the server under the egress policy (task
 * allowed_hosts capped by the server's egressAllow), every refusal is a TypeError naming its rule
 * and a log line of the execution, and the caps, the deadline and cancellation hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from '../harness.js';
import { type LocalHttp, eventually, startLocalHttp } from './local-http.js';

const GUEST = `
export async function get({ url }) {
  const res = await fetch(url, { headers: { 'x-req': 'yes' } });
  return { status: res.status, ok: res.ok, body: await res.json(), header: res.headers.get('x-test'), url: res.url, redirected: res.redirected };
}
export async function post({ url }) {
  const enc = new TextEncoder();
  let i = 0;
  const body = new ReadableStream({ pull(c) { if (i < 3) c.enqueue(enc.encode('part' + (i++) + ';')); else c.close(); } });
  const res = await fetch(new Request(url, { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'text/plain' } }));
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let text = '';
  for (;;) { const { value, done } = await reader.read(); if (done) break; text += dec.decode(value, { stream: true }); }
  return { status: res.status, text, transferEncoding: res.headers.get('x-transfer-encoding') };
}
export async function attempt({ url }) {
  try {
    const res = await fetch(url);
    const text = await res.text();
    return { ok: true, status: res.status, length: text.length };
  } catch (e) {
    return { ok: false, name: e.name, isTypeError: e instanceof TypeError, message: e.message };
  }
}
export async function many({ url, n }) {
  const out = [];
  for (let i = 0; i < n; i++) {
    try { await (await fetch(url)).text(); out.push('ok'); } catch (e) { out.push(e.name + ': ' + e.message); }
  }
  return out;
}
export async function hang({ url }) {
  await fetch(url);
  return 'answered';
}
export async function abortable({ url }) {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  try { await fetch(url, { signal: controller.signal }); return 'answered'; } catch (e) { return e.name; }
}
`;

let t: TestServer;
let web: LocalHttp;
let taskId: string;
let base: string;

beforeAll(async () => {
  web = await startLocalHttp();
  base = `http://127.0.0.1:${web.port}`;
  t = await startTestServer({
    metricsListen: '127.0.0.1:0',
    egressAllow: [`127.0.0.1:${web.port}`, `*.rebind.test:${web.port}`, `server-only.test:${web.port}`],
    egressHosts: { 'evil.rebind.test': '127.0.0.1', 'server-only.test': '127.0.0.1' },
    egressMaxResponseBytes: 1000,
    egressMaxRequests: 4,
  });
  const res = await t.client.invoke({
    taskName: 'fetcher',
    artifactSpec: jsSpec(GUEST, { allowed_hosts: `127.0.0.1:${web.port}, *.rebind.test:${web.port}, blocked.example:443` }),
    functionName: 'get',
    parameters: params({ url: `${base}/hello` }),
  });
  expect(res.result?.errorMessage).toBe('');
  taskId = res.taskId;
});
afterAll(async () => {
  await t?.stop();
  await web?.close();
});

const call = (functionName: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId, functionName, parameters: params(values), ...extra });

describe('guest fetch', () => {
  it('makes an allowed GET through the server and reports egress metrics', async () => {
    const res = await call('get', { url: `${base}/hello` });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toEqual({ status: 200, ok: true, body: { hello: 'world', auth: null }, header: 'yes', url: `${base}/hello`, redirected: false });
    expect(web.received.at(-1)?.headers['x-req']).toBe('yes');
    expect(res.result?.metrics.egress_requests).toBe('1');
    expect(Number(res.result?.metrics.egress_bytes)).toBeGreaterThan(0);
  });

  it('streams a POST body to the server and the response body back', async () => {
    const res = await call('post', { url: `${base}/echo` });
    expect(valueOf(res.result?.result)).toEqual({ status: 200, text: 'got POST part0;part1;part2;', transferEncoding: 'chunked' });
  });

  it('refuses a host the server policy does not allow, as a TypeError and a log line', async () => {
    const res = await call('attempt', { url: 'https://blocked.example/' });
    expect(valueOf(res.result?.result)).toMatchObject({ ok: false, name: 'TypeError', isTypeError: true });
    const message = (valueOf(res.result?.result) as { message: string }).message;
    expect(message).toContain("host 'blocked.example:443' is not allowed by the server's egress policy (--egress-allow)");
    const status = await t.client.getExecutionStatus({ executionId: res.executionId, includeLogs: true });
    expect(status.logs.some((l) => l.includes('fetch refused') && l.includes('--egress-allow'))).toBe(true);
    expect(res.result?.metrics.egress_requests).toBe('0');
  });

  it("refuses a host the server allows but the task's allowed_hosts does not", async () => {
    const res = await call('attempt', { url: `http://server-only.test:${web.port}/hello` });
    expect((valueOf(res.result?.result) as { message: string }).message).toContain("is not in the task's allowed_hosts");
  });

  it('refuses a private address reached through a DNS name that resolves to it', async () => {
    const before = web.received.length;
    const res = await call('attempt', { url: `http://evil.rebind.test:${web.port}/hello` });
    const out = valueOf(res.result?.result) as { ok: boolean; name: string; message: string };
    expect(out).toMatchObject({ ok: false, name: 'TypeError' });
    expect(out.message).toContain("'evil.rebind.test' resolves to 127.0.0.1, a loopback, private or link-local address");
    expect(web.received.length).toBe(before);
  });

  it('checks every redirect again and refuses one to a host that is not allowed', async () => {
    const ok = await call('get', { url: `${base}/redirect?to=/hello` });
    expect(valueOf(ok.result?.result)).toMatchObject({ status: 200, redirected: true, url: `${base}/hello` });
    expect(ok.result?.metrics.egress_requests).toBe('2');
    const res = await call('attempt', { url: `${base}/redirect?to=http://169.254.169.254/latest/meta-data/` });
    const out = valueOf(res.result?.result) as { ok: boolean; message: string };
    expect(out.ok).toBe(false);
    expect(out.message).toContain("host '169.254.169.254:80' is not allowed by the server's egress policy");
  });

  it('refuses a response over the byte cap, declared or streamed', async () => {
    const declared = valueOf((await call('attempt', { url: `${base}/big` })).result?.result) as { ok: boolean; message: string };
    expect(declared.ok).toBe(false);
    expect(declared.message).toContain('the response body (5000 bytes) is over the limit of 1000 bytes (egressMaxResponseBytes)');
    const streamed = valueOf((await call('attempt', { url: `${base}/big-chunked` })).result?.result) as { ok: boolean; message: string };
    expect(streamed.ok).toBe(false);
    expect(streamed.message).toContain('over the limit of 1000 bytes (egressMaxResponseBytes)');
  });

  it('caps the requests of one execution', async () => {
    const res = await call('many', { url: `${base}/hello`, n: 6 });
    const out = valueOf(res.result?.result) as string[];
    expect(out.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(out[4]).toBe('TypeError: fetch refused: the execution has made 4 requests, its limit (egressMaxRequests)');
    expect(res.result?.metrics.egress_requests).toBe('4');
  });

  it('ends a fetch to a slow server at the execution deadline and aborts the request', async () => {
    const res = await call('hang', { url: `${base}/hang` }, { context: { timeoutMs: 500 } });
    expect(res.result?.status).toBe('EXECUTION_STATUS_TIMEOUT');
    await eventually(() => web.aborted.length >= 1);
  });

  it('aborts a fetch in flight when the execution is cancelled', async () => {
    const before = web.aborted.length;
    const accepted = await call('hang', { url: `${base}/hang` }, { executionMode: 'EXECUTION_MODE_ASYNC' });
    await web.arrived('/hang');
    await eventually(() => web.received.filter((r) => r.url === '/hang').length >= 2);
    const cancelled = await t.client.cancelExecution({ executionId: accepted.executionId, reason: 'test' });
    expect(cancelled.success).toBe(true);
    expect(cancelled.finalStatus).toBe('EXECUTION_STATUS_CANCELLED');
    await eventually(() => web.aborted.length > before);
  });

  it("rejects with the guest's AbortSignal reason when the guest aborts", async () => {
    const res = await call('abortable', { url: `${base}/hang` });
    expect(valueOf(res.result?.result)).toBe('AbortError');
  });

  it('counts fetches by outcome in Prometheus', async () => {
    const text = await (await fetch(`http://${t.server.metricsAddress}/metrics`)).text();
    expect(text).toMatch(/spearlet_egress_requests_total\{outcome="ok"\} [1-9]/);
    expect(text).toMatch(/spearlet_egress_requests_total\{outcome="refused"\} [1-9]/);
  });

  it('refuses a task whose allowed_hosts is malformed, naming the key', async () => {
    await expect(t.client.invoke({ taskName: 'bad-hosts', artifactSpec: jsSpec('export default () => 1;', { allowed_hosts: 'ok.example, bad host!' }) })).rejects.toThrow(
      /artifact_spec\.metadata\.allowed_hosts: entry 2/,
    );
  });
});
