/**
 * Hostile guest code through gRPC: contained, reported as the execution's outcome, and the server
 * keeps serving other calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, fixtureSpec, params, startTestServer, valueOf } from './harness.js';

let t: TestServer;
let hostile: string;
let basics: string;

beforeAll(async () => {
  t = await startTestServer();
  const reg = async (file: string, name: string, fn: string, metadata: Record<string, string> = {}) =>
    (await t.client.invoke({ taskName: name, artifactSpec: await fixtureSpec(file, 'javascript', metadata), functionName: fn })).taskId;
  hostile = await reg('js/hostile.js', 'hostile', 'escape', { memory_limit_mb: '64', timeout_ms: '5000' });
  basics = await reg('js/basics.js', 'basics', 'counter');
});
afterAll(() => t.stop());

const run = (functionName: string, timeoutMs = 0) => t.client.invoke({ taskId: hostile, functionName, context: { timeoutMs } });

async function serverStillServes(): Promise<void> {
  const res = await t.client.invoke({ taskId: basics, functionName: 'add', parameters: params({ a: 2, b: 2 }) });
  expect(valueOf(res.result?.result)).toBe(4);
}

describe('hostile functions', () => {
  it.each([
    ['spin', 'EXECUTION_STATUS_TIMEOUT', 'TIMEOUT'],
    ['spinAfterAwait', 'EXECUTION_STATUS_TIMEOUT', 'TIMEOUT'],
    ['neverSettles', 'EXECUTION_STATUS_TIMEOUT', 'TIMEOUT'],
    ['heapBomb', 'EXECUTION_STATUS_FAILED', 'OUT_OF_MEMORY'],
    ['bufferBomb', 'EXECUTION_STATUS_FAILED', 'OUT_OF_MEMORY'],
  ])('%s ends %s / %s and the instance is replaced', async (fn, expectedStatus, code) => {
    const res = await run(fn, code === 'TIMEOUT' ? 300 : 0);
    expect(res.success).toBe(false);
    expect(res.result?.status).toBe(expectedStatus);
    expect(res.result?.errorCode).toBe(code);
    const next = await run('escape');
    expect(next.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(next.result?.metrics.cold_start).toBe('true');
    await serverStillServes();
  });

  it('a timeout honours context.timeout_ms', async () => {
    const started = Date.now();
    const res = await run('spin', 150);
    expect(res.result?.status).toBe('EXECUTION_STATUS_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('deep recursion is a FAILED execution', async () => {
    const res = await run('recurse');
    expect(res.result?.status).toBe('EXECUTION_STATUS_FAILED');
    expect(res.result?.errorMessage).toMatch(/RangeError: Maximum call stack size exceeded/);
    await serverStillServes();
  });

  it('guest code cannot reach require, process or the host', async () => {
    const res = await run('escape');
    expect(valueOf(res.result?.result)).toEqual({
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      constructorEscape: 'undefined',
      functionEscape: 'undefined',
      globalKeys: '',
    });
  });

  it('hostile calls at concurrency leave the server serving', async () => {
    const fns = ['spin', 'heapBomb', 'recurse', 'bufferBomb', 'spinAfterAwait', 'escape'];
    const results = await Promise.all(fns.map((fn) => run(fn, fn.startsWith('spin') ? 500 : 0)));
    expect(results.map((r) => r.result?.status)).toEqual([
      'EXECUTION_STATUS_TIMEOUT',
      'EXECUTION_STATUS_FAILED',
      'EXECUTION_STATUS_FAILED',
      'EXECUTION_STATUS_FAILED',
      'EXECUTION_STATUS_TIMEOUT',
      'EXECUTION_STATUS_COMPLETED',
    ]);
    await serverStillServes();
    expect((await t.client.getHealth({})).status).toBe('healthy');
  });
});
