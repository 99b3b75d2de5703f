/**
 * Host capabilities with isolation 'in-process' (no sandbox worker between isolate and server):
 * the same host calls answer through the runtime's hooks directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from '../harness.js';
import { type LocalHttp, startLocalHttp } from './local-http.js';

const GUEST = `
export default async function ({ url }, ctx) {
  await ctx.kv.put('k', 'v1');
  const res = await fetch(url);
  let refused = '';
  try { await fetch('http://10.0.0.1/'); } catch (e) { refused = e.name; }
  return { kv: await ctx.kv.get('k'), body: await res.json(), refused };
}
`;

let t: TestServer;
let web: LocalHttp;

beforeAll(async () => {
  web = await startLocalHttp();
  t = await startTestServer({ isolation: 'in-process', egressAllow: [`127.0.0.1:${web.port}`] });
});
afterAll(async () => {
  await t?.stop();
  await web?.close();
});

describe('capabilities in-process', () => {
  it('serves fetch and KV without a sandbox worker', async () => {
    const res = await t.client.invoke({ taskName: 'in-proc', artifactSpec: jsSpec(GUEST, { allowed_hosts: `127.0.0.1:${web.port}` }), parameters: params({ url: `http://127.0.0.1:${web.port}/hello` }) });
    expect(valueOf(res.result?.result)).toEqual({ kv: 'v1', body: { hello: 'world', auth: null }, refused: 'TypeError' });
    expect(res.result?.metrics.egress_requests).toBe('1');
  });
});
