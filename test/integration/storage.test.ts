/**
 * Storage as an operator meets it: retention keeps the store bounded under sustained load, a data
 * directory written by the release before the versioned schema opens and is migrated, and a full
 * disk refuses new work with UNAVAILABLE, keeps what was acknowledged and recovers when space
 * returns (a real 16 MiB tmpfs; needs root).
 */
import { status } from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/app.js';
import { FunctionClient } from '../../src/client/function-client.js';
import { resolveConfig } from '../../src/config.js';
import { sleep, until } from './fault-helpers.js';
import { FIXTURES, type TestServer, jsSpec, params, registerTask, startTestServer } from './harness.js';

const SOURCE = `export function add({ a, b }) { return a + b; }
export function noisy({ n }) { for (let i = 0; i < n; i++) console.log('x'.repeat(1000) + i); return n; }`;

let t: TestServer | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await t?.stop();
  t = undefined;
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function storedExecutions(client: FunctionClient): Promise<number> {
  const h = await client.getHealth({ includeDetails: true });
  return Number(h.details?.systemInfo.stored_executions);
}

describe('retention', () => {
  it('keeps the number of stored executions bounded under sustained load with a retention of seconds', async () => {
    const retentionMs = 1000;
    const intervalMs = 250;
    t = await startTestServer({ executionRetentionMs: retentionMs, expiryIntervalMs: intervalMs, expiryBatchSize: 200 });
    const taskId = await registerTask(t.client, jsSpec(SOURCE), 'retained', 'add', { a: 1, b: 2 });
    const client = t.client;
    /** When each call was answered: whatever the machine's speed, what may be stored at a time T
     * is what was created after T - retention - interval - (time for a pass to run). */
    const doneAt: number[] = [];
    const window = retentionMs + intervalMs + 2000;
    const samples: Array<{ at: number; stored: number }> = [];
    const deadline = Date.now() + 12_000;
    const worker = async () => {
      while (Date.now() < deadline) {
        await client.invoke({ taskId, functionName: 'add', parameters: params({ a: doneAt.length, b: 1 }) });
        doneAt.push(Date.now());
      }
    };
    const sampler = (async () => {
      while (Date.now() < deadline) {
        await sleep(700);
        const at = Date.now();
        samples.push({ at, stored: await storedExecutions(client) });
      }
    })();
    await Promise.all([worker(), worker(), worker(), worker(), sampler]);
    const calls = doneAt.length;
    expect(calls).toBeGreaterThan(40);
    for (const { at, stored } of samples.filter((x) => x.at > doneAt[0] + window)) {
      const recent = doneAt.filter((d) => d > at - window).length;
      // The 4 calls in flight at the sample may be stored and not yet answered.
      expect(stored, `stored at +${at - doneAt[0]} ms`).toBeLessThanOrEqual(recent + 4);
    }
    expect(Math.max(...samples.map((x) => x.stored))).toBeLessThan(calls);
    // Once the load stops, everything ages out: the store holds nothing but still counts it all.
    await until('every execution expired', async () => (await storedExecutions(client)) === 0, 15_000);
    expect((await client.listExecutions({ taskId, limit: 10 })).executions).toEqual([]);
    const task = await client.getTask({ taskId });
    expect(Number(task.task?.executionCount)).toBe(calls + 1);
    const stats = await client.getStats({ includeExecutionStats: true });
    expect(Number(stats.serviceStats?.totalExecutions)).toBe(calls + 1);
    expect(Number(stats.executionStats?.completedExecutions)).toBe(calls + 1);
  }, 60_000);
});

describe('a data directory from the release before the versioned schema', () => {
  it('opens, is migrated once, and serves its history and figures', async () => {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-v1-'));
    cleanups.push(() => fs.rm(base, { recursive: true, force: true }));
    const dataDir = path.join(base, 'data');
    await fs.cp(path.join(FIXTURES, 'store-v1'), dataDir, { recursive: true });
    const server = await startServer(resolveConfig({ listen: '127.0.0.1:0', dataDir, artifactRoots: [FIXTURES], sandboxWorkers: 1, prewarmIsolates: 0 }));
    cleanups.push(() => server.close());
    const client = new FunctionClient(server.address);
    cleanups.push(async () => client.close());
    const failed = await client.listExecutions({ statusFilter: 'EXECUTION_STATUS_FAILED', limit: 100 });
    // Five that threw, and the one left RUNNING by a crash, now FAILED/INTERRUPTED.
    expect(failed.executions).toHaveLength(6);
    const interrupted = await client.getExecutionStatus({ executionId: 'exec-left-running' });
    expect(interrupted.result?.errorCode).toBe('INTERRUPTED');
    const stats = await client.getStats({ includeExecutionStats: true, timeRangeHours: 0 });
    expect(Number(stats.serviceStats?.totalExecutions)).toBe(23);
    expect(Number(stats.executionStats?.completedExecutions)).toBe(17);
    const tasks = await client.listTasks({ prefix: 'adder' });
    const adder = tasks.tasks[0];
    expect(Number(adder.executionCount)).toBe(22);
    const res = await client.invoke({ taskId: adder.taskId, functionName: 'add', parameters: params({ a: 2, b: 3 }) });
    expect(res.success).toBe(true);
    const completed = await client.listExecutions({ taskId: adder.taskId, statusFilter: 'EXECUTION_STATUS_COMPLETED', limit: 100 });
    expect(completed.executions).toHaveLength(17);
  }, 30_000);
});

describe.skipIf(process.getuid?.() !== 0)('a full disk', () => {
  it('refuses new work with UNAVAILABLE, keeps every acknowledged record, and recovers when space returns', async () => {
    const mount = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
    cleanups.push(async () => {
      execFileSync('umount', ['-l', mount]);
      await fs.rm(mount, { recursive: true, force: true });
    });
    const dataDir = path.join(mount, 'data');
    const options = { listen: '127.0.0.1:0', dataDir, artifactRoots: [FIXTURES], sandboxWorkers: 1, prewarmIsolates: 0, shutdownGraceMs: 1000 };
    let server = await startServer(resolveConfig(options));
    let client = new FunctionClient(server.address);
    cleanups.push(async () => {
      client.close();
      await server.close();
    });
    const taskId = await registerTask(client, jsSpec(SOURCE), 'filler', 'add', { a: 1, b: 1 });
    const acknowledged: string[] = [];
    for (let i = 0; i < 10; i++) acknowledged.push((await client.invoke({ taskId, functionName: 'noisy', parameters: params({ n: 5 }) })).executionId);
    // Fill the disk, then write until the store reports it.
    const filler = path.join(mount, 'filler');
    const handle = await fs.open(filler, 'w');
    try {
      for (;;) await handle.write(Buffer.alloc(256 * 1024));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      await handle.close();
    }
    let refusal: (Error & { code?: number; details?: string }) | undefined;
    for (let i = 0; i < 2000 && !refusal; i++) {
      try {
        const res = await client.invoke({ taskId, functionName: 'noisy', parameters: params({ n: 20 }) });
        acknowledged.push(res.executionId);
      } catch (err) {
        refusal = err as typeof refusal;
      }
    }
    expect(refusal?.code).toBe(status.UNAVAILABLE);
    expect(refusal?.details).toMatch(/disk of the data directory is full; new work is refused until space is freed.*No space left on device/);
    // New work is refused before it runs, and health says why.
    const again = await client.invoke({ taskId, functionName: 'add', parameters: params({ a: 1, b: 2 }) }).then(
      () => undefined,
      (e: unknown) => e as typeof refusal,
    );
    expect(again?.code).toBe(status.UNAVAILABLE);
    const health = await client.getHealth({});
    expect(health.status).toBe('unhealthy');
    expect(health.message).toMatch(/disk of the data directory is full/);
    // Reads still answer from what is stored.
    expect((await client.getExecutionStatus({ executionId: acknowledged.at(-1) })).result?.status).toBe('EXECUTION_STATUS_COMPLETED');

    await fs.rm(filler);
    await until('the store recovers', async () => {
      try {
        return (await client.invoke({ taskId, functionName: 'add', parameters: params({ a: 2, b: 2 }) })).success;
      } catch {
        return false;
      }
    }, 15_000);
    expect((await client.getHealth({})).status).toBe('healthy');
    client.close();
    await server.close();
    server = await startServer(resolveConfig(options));
    client = new FunctionClient(server.address);
    for (const id of acknowledged) {
      const s = await client.getExecutionStatus({ executionId: id });
      expect(s.result?.status, id).toBe('EXECUTION_STATUS_COMPLETED');
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
