/**
 * Self-declared tenants (ArtifactSpec.metadata `tenant`) cannot lock others out of the sandbox
 * workers: a tenant worker whose instances are all idle gives way to a new tenant, even when its
 * task keeps instances warm (min_instances).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Supervisor } from '../../src/sandbox/supervisor.js';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';
import { supervisorOf } from './fault-helpers.js';

let t: TestServer;
let sup: Supervisor;

beforeAll(async () => {
  t = await startTestServer({ isolation: 'process', sandboxWorkers: 1, maxTenantWorkers: 2 });
  sup = supervisorOf(t);
});
afterAll(() => t?.stop());

const SOURCE = 'export const add = ({ a, b }) => a + b;\nexport const hold = ({ ms }) => new Promise((r) => setTimeout(() => r(ms), ms));';

async function register(tenant: string): Promise<string> {
  const res = await t.client.invoke({ taskName: `task-${tenant}`, artifactSpec: jsSpec(SOURCE, { tenant, min_instances: '1' }), functionName: 'add', parameters: params({ a: 1, b: 1 }) });
  expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  return res.taskId;
}

const tenants = () => sup.describe().filter((w) => w.tenant !== undefined && w.state !== 'dead').map((w) => w.tenant);

it('two tenants holding min_instances 1 give way to a third, and come back when called', async () => {
  const alpha = await register('alpha');
  const beta = await register('beta');
  expect(tenants().sort()).toEqual(['alpha', 'beta']);

  // Both tenant workers hold a warm instance and run nothing: the least recently used gives way.
  const gamma = await register('gamma');
  expect(tenants().sort()).toEqual(['beta', 'gamma']);
  const g = await t.client.invoke({ taskId: gamma, functionName: 'add', parameters: params({ a: 2, b: 3 }) });
  expect(valueOf(g.result?.result)).toBe(5);

  // alpha is not locked out in turn: its next call rebuilds its instance (a cold start) on a
  // worker of its own, taking the idle beta's place.
  const a = await t.client.invoke({ taskId: alpha, functionName: 'add', parameters: params({ a: 4, b: 4 }) });
  expect(a.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  expect(valueOf(a.result?.result)).toBe(8);
  expect(a.result?.metrics.cold_start).toBe('true');
  expect(tenants().sort()).toEqual(['alpha', 'gamma']);

  // A tenant worker running a call is never taken: with both busy, a new tenant is refused.
  const holdA = t.client.invoke({ taskId: alpha, functionName: 'hold', parameters: params({ ms: 1500 }) });
  const holdG = t.client.invoke({ taskId: gamma, functionName: 'hold', parameters: params({ ms: 1500 }) });
  await new Promise((r) => setTimeout(r, 300));
  await expect(register('delta')).rejects.toThrow(/RESOURCE_EXHAUSTED|running calls/);
  expect((await holdA).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  expect((await holdG).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  // Once they are idle again, beta comes back the same way.
  const b = await t.client.invoke({ taskId: beta, functionName: 'add', parameters: params({ a: 1, b: 2 }) });
  expect(valueOf(b.result?.result)).toBe(3);
}, 60_000);
