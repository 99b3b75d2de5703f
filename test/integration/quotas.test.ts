/**
 * Per-tenant quotas on a real server: a tenant flooding its concurrency quota is refused with
 * RESOURCE_EXHAUSTED naming it and the quota while another tenant's calls keep completing; task
 * count, artifact bytes and CPU time per minute are bounded per tenant. B's latency alone and
 * beside A's flood is printed (the ratio is measured by `npm run bench`, not asserted).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FunctionClient } from '../../src/client/function-client.js';
import { jsSpec, params, startTestServer, type TestServer, valueOf } from './harness.js';
import { clientFor, newToken, refusal, writeAuthFile } from './security-helpers.js';

// Servers, sandbox workers and CLI processes start slowly on a loaded machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-quotas-'));
const authFile = path.join(dir, 'auth.json');
const tokens = { flood: newToken(), calm: newToken(), small: newToken(), cpu: newToken() };
let t: TestServer;
const clients: Record<keyof typeof tokens, FunctionClient> = {} as never;

beforeAll(async () => {
  writeAuthFile(
    authFile,
    Object.entries(tokens).map(([tenant, token]) => ({ token, tenant, role: 'invoke' as const })),
    {
      tenants: {
        flood: { max_concurrent: 2, max_queued: 2 },
        small: { max_tasks: 2, max_artifact_bytes: 400 },
        cpu: { cpu_ms_per_minute: 40 },
      },
    },
  );
  // The shared capacity is small, so without the flood tenant's quota its calls would take it all.
  t = await startTestServer({ authFile, maxConcurrentExecutions: 4, maxQueueLength: 4, metricsListen: '127.0.0.1:0' });
  for (const [tenant, token] of Object.entries(tokens)) clients[tenant as keyof typeof tokens] = clientFor(t.server.address, { token });
});

afterAll(async () => {
  for (const c of Object.values(clients)) c.close();
  await t.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timedCalls(c: FunctionClient, taskId: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await c.invoke({ taskId, parameters: params({ x: i }) });
    expect(res.success, res.message).toBe(true);
    expect(valueOf(res.result?.result)).toBe(i + 1);
    times.push(performance.now() - t0);
  }
  return times;
}

describe('quota isolation', () => {
  it('refuses the flooding tenant over its quota while the other tenant keeps completing', async () => {
    const calm = await clients.calm.invoke({ taskName: 'inc', artifactSpec: jsSpec('export default ({ x }) => x + 1;'), parameters: params({ x: 0 }) });
    const flood = await clients.flood.invoke({ taskName: 'nap', artifactSpec: jsSpec('export default async ({ ms }) => { await new Promise((r) => setTimeout(r, ms)); return ms; };'), parameters: params({ ms: 1 }) });
    const alone = await timedCalls(clients.calm, calm.taskId, 30);

    let flooding = true;
    const refusals: string[] = [];
    const other: string[] = [];
    let completed = 0;
    const flooders = Array.from({ length: 12 }, async () => {
      while (flooding) {
        try {
          await clients.flood.invoke({ taskId: flood.taskId, parameters: params({ ms: 200 }) });
          completed++;
        } catch (err) {
          const e = err as grpc.ServiceError;
          if (e.code === grpc.status.RESOURCE_EXHAUSTED) refusals.push(e.details);
          else other.push(`${e.code} ${e.details}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const beside = await timedCalls(clients.calm, calm.taskId, 30);
    flooding = false;
    await Promise.all(flooders);

    expect(other).toEqual([]);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]).toMatch(/tenant 'flood' is over its max_queued quota: 2 executions running \(max_concurrent 2\) and 2 queued \(max_queued 2\)/);
    expect(completed).toBeGreaterThan(0);
    console.log(`tenant B p50 alone ${p50(alone).toFixed(2)} ms, beside tenant A's flood ${p50(beside).toFixed(2)} ms (${(p50(beside) / p50(alone)).toFixed(2)}x); A: ${completed} completed, ${refusals.length} refused`);

    const metrics = await (await fetch(`http://${t.server.metricsAddress}/metrics`)).text();
    expect(metrics).toMatch(/spearlet_refused_calls_total\{reason="quota_max_queued"\} [1-9]/);
  });
});

describe('stored quotas', () => {
  it('bounds a tenant\'s registered tasks and stored artifact bytes', async () => {
    const small = clients.small;
    const one = jsSpec('export default () => 1;');
    await small.invoke({ taskName: 'one', artifactSpec: one });
    // The same task again is not a new one.
    await small.invoke({ taskName: 'one', artifactSpec: one });
    const big = await refusal(small.invoke({ taskName: 'big', artifactSpec: jsSpec(`export default () => '${'x'.repeat(400)}';`) }));
    expect(big.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(big.details).toMatch(/tenant 'small' is over its max_artifact_bytes quota: 23 artifact bytes stored, this artifact adds 4\d\d \(max_artifact_bytes 400\)/);
    await small.invoke({ taskName: 'two', artifactSpec: jsSpec('export default () => 2;') });
    const third = await refusal(small.invoke({ taskName: 'three', artifactSpec: jsSpec('export default () => 3;') }));
    expect(third.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(third.details).toMatch(/tenant 'small' is over its max_tasks quota: 2 tasks registered \(max_tasks 2\); delete one first/);
    expect((await small.listTasks({})).tasks.map((x) => x.taskName).sort()).toEqual(['one', 'two']);
    // Other tenants are not bounded by it.
    expect((await clients.calm.invoke({ taskName: 'three', artifactSpec: jsSpec('export default () => 3;') })).success).toBe(true);
  });

  it('charges measured CPU time to the tenant\'s bucket and refuses it once used up', async () => {
    const burn = jsSpec('export default ({ ms }) => { const end = Date.now() + ms; let n = 0; while (Date.now() < end) n++; return n > 0; };');
    const first = await clients.cpu.invoke({ taskName: 'burn', artifactSpec: burn, parameters: params({ ms: 150 }) });
    expect(first.success, first.message).toBe(true);
    const r = await refusal(clients.cpu.invoke({ taskId: first.taskId, parameters: params({ ms: 1 }) }));
    expect(r.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(r.details).toMatch(/tenant 'cpu' is over its cpu_ms_per_minute quota: guest CPU time used up \(cpu_ms_per_minute 40\); the bucket refills in about \d+ s/);
    const health = await clients.cpu.getHealth({ includeDetails: true });
    expect(Number(health.details?.systemInfo.cpu_ms_last_minute)).toBeGreaterThanOrEqual(100);
    // Another tenant still runs.
    expect((await clients.calm.invoke({ taskName: 'burn', artifactSpec: burn, parameters: params({ ms: 5 }) })).success).toBe(true);
  });
});
