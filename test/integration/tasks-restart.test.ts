/**
 * ListTasks / GetTask / DeleteTask / ListExecutions paging, health and stats, and a restart that
 * finds every task and execution again.
 */
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';

let t: TestServer;
const taskIds: string[] = [];

beforeAll(async () => {
  t = await startTestServer();
  for (let i = 0; i < 7; i++) {
    const name = i < 4 ? `alpha-${i}` : `beta-${i}`;
    const res = await t.client.invoke({ taskName: name, artifactSpec: jsSpec(`export default ({ x }) => x * ${i};`), parameters: params({ x: 2 }) });
    expect(res.success).toBe(true);
    taskIds.push(res.taskId);
  }
});
afterAll(() => t.stop());

async function allPages<T>(page: (startAfter: string) => Promise<{ items: T[]; hasMore: boolean; next: string }>): Promise<T[]> {
  const out: T[] = [];
  let startAfter = '';
  for (let i = 0; i < 100; i++) {
    const p = await page(startAfter);
    out.push(...p.items);
    if (!p.hasMore) return out;
    startAfter = p.next;
  }
  throw new Error('paging did not end');
}

describe('tasks', () => {
  it('ListTasks walks every task exactly once in task_id order', async () => {
    const seen = await allPages(async (startAfter) => {
      const r = await t.client.listTasks({ limit: 3, startAfter });
      return { items: r.tasks.map((x) => x.taskId), hasMore: r.hasMore, next: r.nextStartAfter };
    });
    expect(seen).toEqual([...taskIds].sort());
  });

  it('ListTasks filters by name prefix', async () => {
    const r = await t.client.listTasks({ prefix: 'beta-', limit: 10 });
    expect(r.tasks.map((x) => x.taskName)).toEqual(['beta-4', 'beta-5', 'beta-6']);
    expect(r.hasMore).toBe(false);
  });

  it('GetTask reports the task with its newest executions', async () => {
    const r = await t.client.getTask({ taskId: taskIds[1], includeExecutions: true, executionLimit: 5 });
    expect(r.found).toBe(true);
    expect(r.task).toMatchObject({ taskId: taskIds[1], taskName: 'alpha-1', executionCount: 1, lastStatus: 'EXECUTION_STATUS_COMPLETED' });
    expect(r.task?.artifactSpec?.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.executions).toHaveLength(1);
  });

  it('ListExecutions is newest first, filters, and pages exactly once', async () => {
    for (let i = 0; i < 3; i++) await t.client.invoke({ taskId: taskIds[0], parameters: params({ x: i }) });
    const all = await allPages(async (startAfter) => {
      const r = await t.client.listExecutions({ limit: 2, startAfter });
      return { items: r.executions, hasMore: r.hasMore, next: r.nextStartAfter };
    });
    expect(new Set(all.map((e) => e.executionId)).size).toBe(all.length);
    expect(all.length).toBe(10);
    const started = all.map((e) => Number(e.startedAt?.seconds) * 1000 + Math.floor(Number(e.startedAt?.nanos) / 1e6));
    expect([...started].sort((a, b) => b - a)).toEqual(started);
    const ofTask = await t.client.listExecutions({ taskId: taskIds[0], limit: 10 });
    expect(ofTask.executions).toHaveLength(4);
    const failed = await t.client.listExecutions({ statusFilter: 'EXECUTION_STATUS_FAILED', limit: 10 });
    expect(failed.executions).toHaveLength(0);
  });

  it('DeleteTask refuses while executions run, force cancels them, cleanup removes records', async () => {
    const slow = await t.client.invoke({ taskName: 'slow', artifactSpec: jsSpec('export default () => new Promise(() => {});'), executionMode: 'EXECUTION_MODE_ASYNC' });
    await expect(t.client.deleteTask({ taskId: slow.taskId })).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
    const del = await t.client.deleteTask({ taskId: slow.taskId, force: true, cleanupExecutions: true });
    expect(del).toMatchObject({ success: true, deleted: true, cleanedExecutions: 1 });
    expect((await t.client.getTask({ taskId: slow.taskId })).found).toBe(false);
    expect((await t.client.getExecutionStatus({ executionId: slow.executionId })).found).toBe(false);
  });

  it('DeleteTask without cleanup keeps the execution records', async () => {
    const r = await t.client.invoke({ taskName: 'keep', artifactSpec: jsSpec('export default () => 1;') });
    const del = await t.client.deleteTask({ taskId: r.taskId });
    expect(del).toMatchObject({ success: true, deleted: true, cleanedExecutions: 0 });
    expect((await t.client.getExecutionStatus({ executionId: r.executionId })).found).toBe(true);
  });
});

describe('health and stats', () => {
  it('GetHealth reports live figures', async () => {
    const h = await t.client.getHealth({ includeDetails: true });
    expect(h.status).toBe('healthy');
    expect(Number(h.details?.totalExecutions)).toBeGreaterThanOrEqual(10);
    expect(h.details?.systemInfo.runtimes).toContain('v8-isolate');
    expect(h.details?.systemInfo.sandbox_workers).toBe('2');
    expect(h.details?.systemInfo.sandbox_worker_pids).toMatch(/^\d+,\d+$/);
    expect(Number(h.details?.systemInfo.live_instances)).toBeGreaterThan(0);
  });

  it('GetStats counts from the store and live counters', async () => {
    const s = await t.client.getStats({ includeTaskStats: true, includeExecutionStats: true, timeRangeHours: 1 });
    expect(s.serviceStats?.totalTasks).toBeGreaterThanOrEqual(7);
    expect(s.executionStats?.completedExecutions).toBeGreaterThanOrEqual(10);
    expect(s.executionStats?.successRatePercent).toBeGreaterThan(0);
    expect(s.taskStats?.tasksByType['v8-isolate']).toBeGreaterThanOrEqual(7);
    expect(s.executionStats?.executionsByFunction['alpha-0/default']).toBe(4);
    const none = await t.client.getStats({});
    expect(none.taskStats).toBeNull();
    expect(none.executionStats).toBeNull();
  });
});

describe('restart', () => {
  it('finds every task and execution again and marks unfinished ones INTERRUPTED', async () => {
    const before = await t.client.listExecutions({ limit: 1000 });
    const tasksBefore = await t.client.listTasks({ limit: 1000 });
    const pending = await t.client.invoke({ taskName: 'hang', artifactSpec: jsSpec('export default () => new Promise(() => {});'), executionMode: 'EXECUTION_MODE_ASYNC' });
    t = await t.restart();
    const tasksAfter = await t.client.listTasks({ limit: 1000 });
    expect(tasksAfter.tasks.map((x) => x.taskId)).toEqual(expect.arrayContaining(tasksBefore.tasks.map((x) => x.taskId)));
    const after = await t.client.listExecutions({ limit: 1000 });
    expect(after.executions.map((e) => e.executionId)).toEqual(expect.arrayContaining(before.executions.map((e) => e.executionId)));
    const hung = await t.client.getExecutionStatus({ executionId: pending.executionId });
    expect(hung.result).toMatchObject({ status: 'EXECUTION_STATUS_FAILED', errorCode: 'INTERRUPTED' });
    const again = await t.client.invoke({ taskId: taskIds[2], parameters: params({ x: 5 }) });
    expect(valueOf(again.result?.result)).toBe(10);
  });
});
