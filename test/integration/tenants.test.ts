/**
 * Tenant separation on a real server with authentication: for every RPC, tenant A's view of
 * tenant B's ids is exactly its view of ids that do not exist, and nothing A does touches B.
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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-tenants-'));
const authFile = path.join(dir, 'auth.json');
let t: TestServer;
let a: FunctionClient;
let b: FunctionClient;
/** B's task and executions, and ids nobody has. */
let bTask = '';
let bExec = '';
let bRunning = '';
const UNKNOWN_TASK = 'no-such-task';
const UNKNOWN_EXEC = 'no-such-execution';

const slow = jsSpec('export default async ({ ms }) => { await new Promise((r) => setTimeout(r, ms)); return \'b\'; };');

beforeAll(async () => {
  const ta = newToken();
  const tb = newToken();
  writeAuthFile(authFile, [
    { token: ta, tenant: 'tenant-a', role: 'invoke' },
    { token: tb, tenant: 'tenant-b', role: 'invoke' },
  ]);
  t = await startTestServer({ authFile });
  a = clientFor(t.server.address, { token: ta });
  b = clientFor(t.server.address, { token: tb });
  const res = await b.invoke({ taskName: 'b-task', artifactSpec: slow, parameters: params({ ms: 1 }) });
  expect(res.success).toBe(true);
  bTask = res.taskId;
  bExec = res.executionId;
  const running = await b.invoke({ taskId: bTask, executionMode: 'EXECUTION_MODE_ASYNC', parameters: params({ ms: 60_000 }) });
  bRunning = running.executionId;
  await a.invoke({ taskName: 'a-task', artifactSpec: jsSpec('export default () => \'a\';') });
});

afterAll(async () => {
  a.close();
  b.close();
  await t.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The outcome of a call as the caller sees it: the response, or the status code and message. */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await p };
  } catch (err) {
    const e = err as grpc.ServiceError;
    return { code: e.code, details: e.details, errorCode: e.metadata?.get('spearlet-error-code') };
  }
}

/** Replaces the id in a message so answers for two ids can be compared. */
const same = (x: unknown, id: string) => JSON.parse(JSON.stringify(x).split(id).join('<id>'));

describe('tenant separation', () => {
  it('GetTask: another tenant\'s task is found=false, as an unknown id', async () => {
    expect(same(await outcome(a.getTask({ taskId: bTask, includeExecutions: true })), bTask)).toEqual(same(await outcome(a.getTask({ taskId: UNKNOWN_TASK, includeExecutions: true })), UNKNOWN_TASK));
    expect((await b.getTask({ taskId: bTask })).found).toBe(true);
  });

  it('InvokeFunction and StreamFunction: calling another tenant\'s task is NOT_FOUND, as an unknown id', async () => {
    const theirs = await outcome(a.invoke({ taskId: bTask, parameters: params({ ms: 1 }) }));
    expect((theirs as { code: number }).code).toBe(grpc.status.NOT_FOUND);
    expect(same(theirs, bTask)).toEqual(same(await outcome(a.invoke({ taskId: UNKNOWN_TASK })), UNKNOWN_TASK));
    expect(same(await outcome(a.stream({ taskId: bTask })), bTask)).toEqual(same(await outcome(a.stream({ taskId: UNKNOWN_TASK })), UNKNOWN_TASK));
  });

  it('InvokeFunction: ids a caller chooses carry its tenant, so they cannot collide with another tenant\'s', async () => {
    const reuse = await refusal(a.invoke({ taskId: bTask, createIfNotExists: true, artifactSpec: jsSpec('export default () => 1;') }));
    expect(reuse.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(reuse.details).toMatch(/task_id: an id the caller chooses must start with 'tenant-a:'/);
    const replay = await refusal(a.invoke({ taskName: 'x', artifactSpec: jsSpec('export default () => 1;'), executionId: bExec }));
    expect(replay.details).toMatch(/execution_id: an id the caller chooses must start with 'tenant-a:'/);
    const own = await a.invoke({ taskName: 'x', artifactSpec: jsSpec('export default () => 1;'), executionId: 'tenant-a:job-1' });
    expect(own.executionId).toBe('tenant-a:job-1');
    expect(valueOf(own.result?.result)).toBe(1);
  });

  it('GetExecutionStatus: another tenant\'s execution is found=false, as an unknown id', async () => {
    expect(same(await outcome(a.getExecutionStatus({ executionId: bExec, includeLogs: true, includeResult: true })), bExec)).toEqual(
      same(await outcome(a.getExecutionStatus({ executionId: UNKNOWN_EXEC, includeLogs: true, includeResult: true })), UNKNOWN_EXEC),
    );
    expect((await b.getExecutionStatus({ executionId: bExec })).found).toBe(true);
  });

  it('CancelExecution: another tenant\'s running execution is NOT_FOUND, as an unknown id, and keeps running', async () => {
    const theirs = await outcome(a.cancelExecution({ executionId: bRunning, reason: 'x' }));
    expect((theirs as { code: number }).code).toBe(grpc.status.NOT_FOUND);
    expect(same(theirs, bRunning)).toEqual(same(await outcome(a.cancelExecution({ executionId: UNKNOWN_EXEC, reason: 'x' })), UNKNOWN_EXEC));
    expect((await b.getExecutionStatus({ executionId: bRunning })).result?.status).toBe('EXECUTION_STATUS_RUNNING');
  });

  it('ListTasks and ListExecutions: a tenant lists only its own', async () => {
    const tasks = await a.listTasks({ includeDetails: true });
    expect(tasks.tasks.length).toBeGreaterThan(0);
    expect(tasks.tasks.every((x) => x.artifactSpec?.metadata?.tenant === 'tenant-a')).toBe(true);
    expect(tasks.tasks.some((x) => x.taskId === bTask)).toBe(false);
    const execs = await a.listExecutions({});
    expect(execs.executions.length).toBeGreaterThan(0);
    expect(execs.executions.some((e) => e.taskId === bTask)).toBe(false);
    expect(same(await outcome(a.listExecutions({ taskId: bTask })), bTask)).toEqual(same(await outcome(a.listExecutions({ taskId: UNKNOWN_TASK })), UNKNOWN_TASK));
    // Paging over a tenant's own items, one at a time, ends.
    const page = await a.listExecutions({ limit: 1 });
    expect(page.executions.length).toBe(1);
    expect(page.hasMore).toBe(true);
    const next = await a.listExecutions({ limit: 1, startAfter: page.nextStartAfter });
    expect(next.executions[0].executionId).not.toBe(page.executions[0].executionId);
  });

  it('GetStats and GetHealth details: a tenant sees only its own figures', async () => {
    const sa = await a.getStats({ includeTaskStats: true, includeExecutionStats: true });
    const sb = await b.getStats({ includeTaskStats: true, includeExecutionStats: true });
    expect(sa.serviceStats?.totalTasks).toBe(2);
    expect(sb.serviceStats?.totalTasks).toBe(1);
    expect(sa.executionStats?.runningExecutions).toBe(0);
    expect(sb.executionStats?.runningExecutions).toBe(1);
    expect(Object.keys(sa.executionStats?.executionsByFunction ?? {}).some((k) => k.startsWith('b-task'))).toBe(false);
    const ha = await a.getHealth({ includeDetails: true });
    expect(ha.details?.runningExecutions).toBe(0);
    expect(ha.details?.systemInfo.tenant).toBe('tenant-a');
    expect((await b.getHealth({ includeDetails: true })).details?.runningExecutions).toBe(1);
  });

  it('DeleteTask: another tenant\'s task is NOT_FOUND, as an unknown id, and stays', async () => {
    const theirs = await outcome(a.deleteTask({ taskId: bTask, force: true, cleanupExecutions: true }));
    expect((theirs as { code: number }).code).toBe(grpc.status.NOT_FOUND);
    expect(same(theirs, bTask)).toEqual(same(await outcome(a.deleteTask({ taskId: UNKNOWN_TASK, force: true, cleanupExecutions: true })), UNKNOWN_TASK));
    expect((await b.getTask({ taskId: bTask })).found).toBe(true);
    await b.cancelExecution({ executionId: bRunning, reason: 'test over' });
  });

  it('runs different tenants\' tasks on different sandbox workers', async () => {
    const pids = new Map<string, string>();
    for (const [name, client] of [['a', a], ['b', b]] as const) {
      const res = await client.invoke({ taskName: `pid-${name}`, artifactSpec: jsSpec('export default () => 1;') });
      expect(res.success).toBe(true);
    }
    const workers = (await t.client.getHealth({ includeDetails: true }).catch(() => undefined))?.details?.systemInfo;
    // The unauthenticated client is refused: read the workers from the server itself.
    expect(workers).toBeUndefined();
    const info = (await t.server.core.health.health()).systemInfo;
    for (const line of Object.values(info).join(' ').matchAll(/(\d+):\w+:tenant=([\w-]+)/g)) pids.set(line[2], line[1]);
    expect(pids.get('tenant-a')).toBeDefined();
    expect(pids.get('tenant-b')).toBeDefined();
    expect(pids.get('tenant-a')).not.toBe(pids.get('tenant-b'));
  });
});
