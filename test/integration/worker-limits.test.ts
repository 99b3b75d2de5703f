/**
 * The server's own limits on its sandbox workers, with process isolation on a real server: the
 * memory ceiling holds when the worker sends no heartbeats, and a guest that keeps wrecking its
 * isolates does not multiply workers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer } from './harness.js';
import { alive, rssOf, sharedPids, sleep, supervisorOf, until } from './fault-helpers.js';

const stopped: number[] = [];
afterEach(() => {
  for (const pid of stopped.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe('worker memory ceiling without heartbeats', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ isolation: 'process', sandboxWorkers: 1, workerMemoryLimitMb: 256 });
  });
  afterAll(() => t?.stop());

  it('a worker over its ceiling whose threads are stopped is killed by the server within seconds', async () => {
    const sup = supervisorOf(t);
    const HOLD = 'export function hold({ mb }) { const h = []; for (let i = 0; i < mb; i++) h.push(new Uint8Array(1 << 20).fill(1)); for (;;) {} } export function ok() { return 1; }';
    const taskId = (await t.client.invoke({ taskName: 'hold', artifactSpec: jsSpec(HOLD, { memory_limit_mb: '512', timeout_ms: '60000' }), functionName: 'ok' })).taskId;
    const [pid] = sharedPids(sup);
    stopped.push(pid);
    // The call runs (asynchronously): once it holds more than the ceiling, freeze the whole worker.
    await t.client.invoke({ taskId, functionName: 'hold', parameters: params({ mb: 320 }), executionMode: 'EXECUTION_MODE_ASYNC' });
    await until('the worker to pass its ceiling', () => rssOf(pid) > 256 * 1024 * 1024, 20_000);
    process.kill(pid, 'SIGSTOP');
    const frozenAt = Date.now();
    await until('the frozen worker to be killed', () => !alive(pid), 12_000);
    const killedAfterMs = Date.now() - frozenAt;
    console.log(`[fault figures] frozen worker over its ceiling: ${JSON.stringify({ killedAfterMs, killed: sup.counters.killed, hung: sup.counters.hung })}`);
    expect(sup.counters.hung).toBe(0);
    expect(sup.counters.killed).toBeGreaterThanOrEqual(1);
    await until('a replacement worker', () => sharedPids(sup).some((p) => p !== pid), 10_000);
  }, 60_000);
});

describe('a guest that keeps losing its isolates', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ isolation: 'process', sandboxWorkers: 1 });
  });
  afterAll(() => t?.stop());

  it('gets each wrecked worker replaced, and workers never pile up', async () => {
    const sup = supervisorOf(t);
    const SOURCE = `
      export function explode() { return new Array(2 ** 26).fill(0).length; }
      export function spin() { for (;;) {} }
    `;
    const wreck = (await t.client.invoke({ taskName: 'wreck', artifactSpec: jsSpec(SOURCE, { memory_limit_mb: '64', timeout_ms: '1000' }), functionName: 'spin' })).taskId;
    const busy = (await t.client.invoke({ taskName: 'busy', artifactSpec: jsSpec(SOURCE, { timeout_ms: '8000' }), functionName: 'spin', executionMode: 'EXECUTION_MODE_ASYNC' })).taskId;
    let most = 0;
    const watcher = setInterval(() => (most = Math.max(most, sup.describe().length)), 50);
    const first = sharedPids(sup)[0];
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      // A long call on the same worker keeps each drained worker from retiring on its own.
      await t.client.invoke({ taskId: busy, functionName: 'spin', executionMode: 'EXECUTION_MODE_ASYNC' });
      const res = await t.client.invoke({ taskId: wreck, functionName: 'explode' });
      outcomes.push(`${res.result?.status}/${res.result?.errorCode}`);
      await sleep(2_500);
    }
    await until('the first worker to be gone', () => !alive(first), 15_000);
    clearInterval(watcher);
    console.log(`[fault figures] isolates lost repeatedly: ${JSON.stringify({ outcomes, mostWorkers: most, drained: sup.counters.drained, killed: sup.counters.killed })}`);
    expect(outcomes.every((o) => o.startsWith('EXECUTION_STATUS_TIMEOUT') || o.startsWith('EXECUTION_STATUS_FAILED'))).toBe(true);
    expect(sup.counters.drained).toBeGreaterThanOrEqual(1);
    // One shared worker, plus at most two drained ones finishing calls.
    expect(most).toBeLessThanOrEqual(3);
  }, 90_000);
});
