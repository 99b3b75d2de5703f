/**
 * Task names and versions over gRPC: DeployTask registers without running, a changed artifact or
 * metadata under a name is a new version the name then calls, older versions stay callable by id,
 * and versions survive a restart. Also the task environment (metadata env.*) and
 * FollowExecutionLogs on a running execution.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionLogLine__Output } from '../../src/generated/spearlet/ExecutionLogLine.js';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

const V1 = 'export default function v() { return "one"; }';
const V2 = 'export default function v() { return "two"; }';

async function callByName(name: string): Promise<unknown> {
  const res = await t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskName: name });
  expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  return valueOf(res.result?.result);
}

describe('task versions', () => {
  it('deploys without running, and a changed artifact becomes the current version', async () => {
    const first = await t.client.deployTask({ taskName: 'ver', artifactSpec: jsSpec(V1) });
    expect(first.created).toBe(true);
    expect(first.task?.metadata).toMatchObject({ version: '1', current: 'true' });
    expect(first.task?.executionCount).toBe(0);
    expect((await t.client.listExecutions({ taskId: first.task!.taskId })).executions).toHaveLength(0);

    const same = await t.client.deployTask({ taskName: 'ver', artifactSpec: jsSpec(V1) });
    expect(same).toMatchObject({ created: false, task: { taskId: first.task!.taskId } });

    const second = await t.client.deployTask({ taskName: 'ver', artifactSpec: jsSpec(V2) });
    expect(second.created).toBe(true);
    expect(second.task?.taskId).not.toBe(first.task?.taskId);
    expect(second.task?.metadata).toMatchObject({ version: '2', current: 'true' });
    expect(await callByName('ver')).toBe('two');

    // The old version is still there and callable by id, and says it is not current.
    const old = await t.client.invoke({ taskId: first.task!.taskId });
    expect(valueOf(old.result?.result)).toBe('one');
    const listed = (await t.client.listTasks({ prefix: 'ver' })).tasks.filter((x) => x.taskName === 'ver');
    expect(listed.map((x) => [x.metadata.version, x.metadata.current])).toEqual([
      ['1', 'false'],
      ['2', 'true'],
    ]);
  });

  it('changed metadata alone is a new version that runs under the new limits', async () => {
    const a = await t.client.deployTask({ taskName: 'meta', artifactSpec: jsSpec(V1, { timeout_ms: '1000' }) });
    const b = await t.client.deployTask({ taskName: 'meta', artifactSpec: jsSpec(V1, { timeout_ms: '2000' }) });
    expect(b.task?.taskId).not.toBe(a.task?.taskId);
    expect(b.task?.metadata).toMatchObject({ version: '2', timeout_ms: '2000' });
    // A NEW_TASK identical to the current version reuses it.
    const again = await t.client.invoke({ invocationType: 'INVOCATION_TYPE_NEW_TASK', taskName: 'meta', artifactSpec: jsSpec(V1, { timeout_ms: '2000' }) });
    expect(again.taskId).toBe(b.task?.taskId);
  });

  it('deleting the current version makes the newest remaining one current', async () => {
    const a = await t.client.deployTask({ taskName: 'del', artifactSpec: jsSpec(V1) });
    const b = await t.client.deployTask({ taskName: 'del', artifactSpec: jsSpec(V2) });
    await t.client.deleteTask({ taskId: b.task!.taskId });
    expect(await callByName('del')).toBe('one');
    expect((await t.client.getTask({ taskId: a.task!.taskId })).task?.metadata).toMatchObject({ version: '1', current: 'true' });
    // Numbers are not reused: the next deploy is version 3.
    const c = await t.client.deployTask({ taskName: 'del', artifactSpec: jsSpec('export default () => 3') });
    expect(c.task?.metadata.version).toBe('3');
  });

  it('an unknown name is NOT_FOUND naming task_name; a bad deploy changes nothing', async () => {
    await expect(t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskName: 'nope' })).rejects.toMatchObject({ code: 5, details: "task_name: no task named 'nope'" });
    await expect(t.client.deployTask({ taskName: 'ver', artifactSpec: jsSpec('export default (') })).rejects.toMatchObject({ code: 3 });
    await expect(t.client.deployTask({ taskName: 'x' })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('artifact_spec') });
    expect(await callByName('ver')).toBe('two');
  });

  it('the task environment (env.* metadata) reaches ctx.env, under the call environment', async () => {
    const src = 'export default (p, ctx) => `${ctx.env.A}-${ctx.env.B}`';
    const d = await t.client.deployTask({ taskName: 'env', artifactSpec: jsSpec(src, { 'env.A': 'task', 'env.B': 'task' }) });
    const res = await t.client.invoke({ taskId: d.task!.taskId, context: { environment: { B: 'call' } } });
    expect(valueOf(res.result?.result)).toBe('task-call');
  });

  it('versions survive a restart', async () => {
    t = await t.restart();
    expect(await callByName('ver')).toBe('two');
    const next = await t.client.deployTask({ taskName: 'ver', artifactSpec: jsSpec('export default () => "three"') });
    expect(next.task?.metadata.version).toBe('3');
  });
});

describe('FollowExecutionLogs', () => {
  it('streams the lines of a running execution as they are written, then its final status', async () => {
    const src = `export default async function tick({ n }) {
      for (let i = 0; i < n; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, 150)); }
      return n;
    }`;
    const d = await t.client.deployTask({ taskName: 'ticker', artifactSpec: jsSpec(src) });
    const accepted = await t.client.invoke({ taskId: d.task!.taskId, executionMode: 'EXECUTION_MODE_ASYNC', parameters: params({ n: 6 }) });
    const got: Array<{ at: number; m: ExecutionLogLine__Output }> = [];
    await new Promise<void>((resolve, reject) => {
      const call = t.client.followLogsCall({ executionId: accepted.executionId, follow: true });
      call.on('data', (m: ExecutionLogLine__Output) => got.push({ at: Date.now(), m }));
      call.on('error', reject);
      call.on('end', resolve);
    });
    const lines = got.filter((g) => !g.m.isFinal).map((g) => g.m.line);
    expect(lines).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
    expect(got.at(-1)?.m).toMatchObject({ isFinal: true, status: 'EXECUTION_STATUS_COMPLETED' });
    // Live: the lines arrived spread out over the run, not all at once at the end.
    expect(got[lines.length - 1].at - got[0].at).toBeGreaterThan(300);
  });

  it('without follow gives the lines so far; an unknown id is NOT_FOUND', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const call = t.client.followLogsCall({ executionId: 'exec-nope' });
        call.on('data', () => undefined);
        call.on('error', reject);
        call.on('end', resolve);
      }),
    ).rejects.toMatchObject({ code: 5 });
  });
});
