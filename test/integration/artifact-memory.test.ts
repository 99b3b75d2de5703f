/**
 * Artifact bytes are kept in the store, not in server memory for every task: the server holds at
 * most `artifactCacheBytes` of them (plus what requests in flight carry), and a task whose bytes
 * were evicted still builds instances, from the store.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestServer, jsSpec, startTestServer, valueOf } from './harness.js';

const MIB = 1024 * 1024;
const TASKS = 30;
const CACHE = 32 * MIB;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ sandboxWorkers: 1, artifactCacheBytes: CACHE, maxArtifactBytes: 9 * MIB, workerMemoryLimitMb: 8192 });
});
afterAll(() => t.stop());

/** An 8 MiB module that answers `i` (the rest is a comment). */
const source = (i: number) => `export default () => ${i};\n//${'x'.repeat(8 * MIB - 40)}\n`;

/** What this process holds once garbage is gone (buffers of finished requests go over a few collections). */
async function held(): Promise<{ arrayBuffers: number; rss: number }> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 200));
  }
  const m = process.memoryUsage();
  return { arrayBuffers: m.arrayBuffers, rss: m.rss };
}

it(`${TASKS} tasks of 8 MiB: the server holds at most artifactCacheBytes of their bytes`, async () => {
  const before = await held();
  const ids: string[] = [];
  for (let i = 0; i < TASKS; i++) {
    const res = await t.client.invoke({ taskName: `big-${i}`, artifactSpec: jsSpec(source(i)) });
    expect(valueOf(res.result?.result)).toBe(i);
    ids.push(res.taskId);
  }
  const after = await held();
  const grew = { arrayBuffers: after.arrayBuffers - before.arrayBuffers, rss: after.rss - before.rss };
  console.log(`artifact memory: ${TASKS} x 8 MiB tasks, server arrayBuffers +${Math.round(grew.arrayBuffers / MIB)} MiB, RSS +${Math.round(grew.rss / MIB)} MiB (cache bound ${CACHE / MIB} MiB)`);
  // Before, every task's bytes stayed: 240 MiB and more.
  expect(grew.arrayBuffers).toBeLessThan(CACHE + 16 * MIB);

  // The first task's bytes left the cache long ago: a new instance of it is built from the store.
  const again = await t.client.invoke({ taskId: ids[0], functionName: '', forceNewInstance: true });
  expect(again.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  expect(valueOf(again.result?.result)).toBe(0);
  expect(again.result?.metrics.cold_start).toBe('true');
}, 240_000);
