/**
 * One guest must not hurt another, through gRPC on a real server with process isolation: host
 * callback floods fail alone, guest work left running after a call does not poison the pool, the
 * memory limit holds for large strings, and a guest cannot forge OUT_OF_MEMORY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';
import { rssOf, sharedPids, supervisorOf } from './fault-helpers.js';

const GUEST = `
export function leaves() { (async () => { for (;;) await null })(); return 1; }
export function ok() { return 'ok'; }
export function timerFlood() { for (;;) clearTimeout(setTimeout(() => {}, 1e9)); }
export function* stream256k() { const c = new Uint8Array(256 * 1024); for (;;) yield c; }
export function bigJoin() { const parts = []; const s = 'x'.repeat(1024 * 1024); for (let i = 0; i < 381; i++) parts.push(s); return parts.join('').length; }
export function forged() { throw new RangeError('Array buffer allocation failed'); }
`;
const NEIGHBOUR = 'export async function nap({ ms }) { await new Promise((r) => setTimeout(r, ms)); return ms; }';

let t: TestServer;
let guest: string;
let small: string;
let neighbour: string;

beforeAll(async () => {
  t = await startTestServer({ isolation: 'process', sandboxWorkers: 1 });
  const reg = async (name: string, source: string, metadata: Record<string, string>, fn: string, values: Record<string, unknown> = {}) =>
    (await t.client.invoke({ taskName: name, artifactSpec: jsSpec(source, metadata), functionName: fn, parameters: params(values) })).taskId;
  guest = await reg('guest', GUEST, { memory_limit_mb: '64', timeout_ms: '3000' }, 'ok');
  small = await reg('small', GUEST, { memory_limit_mb: '16', timeout_ms: '20000' }, 'ok');
  neighbour = await reg('neighbour', NEIGHBOUR, {}, 'nap', { ms: 1 });
});
afterAll(() => t?.stop());

describe('host-callback floods', () => {
  it('a timer flood ends TIMEOUT alone: the worker survives and a neighbour call on it completes', async () => {
    const sup = supervisorOf(t);
    const [pid] = sharedPids(sup);
    const crashed = sup.counters.crashed;
    const [flood, other] = await Promise.all([
      t.client.invoke({ taskId: guest, functionName: 'timerFlood' }),
      t.client.invoke({ taskId: neighbour, functionName: 'nap', parameters: params({ ms: 1500 }) }),
    ]);
    expect(flood.result?.status).toBe('EXECUTION_STATUS_TIMEOUT');
    expect(other.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(other.result?.result)).toBe(1500);
    expect(sharedPids(sup)).toEqual([pid]);
    expect(sup.counters.crashed).toBe(crashed);
    expect(rssOf(pid)).toBeLessThan(1024 * 1024 * 1024);
  }, 30_000);

  it('a stream of 256 KiB chunks is held to its window and ends TIMEOUT alone', async () => {
    const sup = supervisorOf(t);
    const [pid] = sharedPids(sup);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
    const [messages, other] = await Promise.all([
      t.client.stream({ taskId: guest, functionName: 'stream256k' }),
      t.client.invoke({ taskId: neighbour, functionName: 'nap', parameters: params({ ms: 1500 }) }),
    ]);
    clearInterval(sampler);
    const last = messages[messages.length - 1];
    expect(last.isFinal).toBe(true);
    expect(last.status).toBe('EXECUTION_STATUS_TIMEOUT');
    expect(messages.filter((m) => m.metadata.kind === 'data').length).toBeGreaterThan(0);
    expect(other.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(sharedPids(sup)).toEqual([pid]);
    expect(peak).toBeLessThan(1024 * 1024 * 1024);
  }, 30_000);
});

describe('guest work after the execution ended', () => {
  it('is stopped: the call completes and the task’s next call is not stuck behind it', async () => {
    const res = await t.client.invoke({ taskId: guest, functionName: 'leaves' });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe(1);
    const next = await t.client.invoke({ taskId: guest, functionName: 'ok' });
    expect(next.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(next.result?.result)).toBe('ok');
  }, 20_000);
});

describe('memory limits and outcomes', () => {
  it('a 381 MB string under memory_limit_mb 16 fails OUT_OF_MEMORY', async () => {
    const res = await t.client.invoke({ taskId: small, functionName: 'bigJoin' });
    expect(res.result?.status).toBe('EXECUTION_STATUS_FAILED');
    expect(res.result?.errorCode).toBe('OUT_OF_MEMORY');
    expect(res.result?.errorMessage).toMatch(/16 MB memory limit/);
  }, 30_000);

  it('a guest throwing RangeError("Array buffer allocation failed") gets FUNCTION_ERROR, once', async () => {
    const res = await t.client.invoke({ taskId: guest, functionName: 'forged', context: { maxRetries: 2 } });
    expect(res.result?.status).toBe('EXECUTION_STATUS_FAILED');
    expect(res.result?.errorCode).toBe('FUNCTION_ERROR');
    expect(res.result?.errorMessage).toBe('RangeError: Array buffer allocation failed');
    expect(res.result?.metrics.attempts).toBe('1');
  });
});
