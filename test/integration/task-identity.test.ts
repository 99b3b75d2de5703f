/**
 * A task's identity (name, code, type, metadata) and its id: a NEW_TASK that differs in metadata
 * gets a new task and runs under its own settings; misspelt limit keys are refused; concurrent
 * create_if_not_exists registrations of one id have one winner and the code under an id never
 * changes.
 */
import { type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, startTestServer, valueOf } from './harness.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

const SLEEPER = 'export default async () => { await new Promise((r) => setTimeout(r, 400)); return "slept"; }';

describe('task identity', () => {
  it('a NEW_TASK with the same name and code but other metadata registers a new task and runs under its settings', async () => {
    const first = await t.client.invoke({ taskName: 'sleeper', artifactSpec: jsSpec(SLEEPER) });
    expect(first.result?.status).toBe('EXECUTION_STATUS_COMPLETED');

    const tight = await t.client.invoke({ taskName: 'sleeper', artifactSpec: jsSpec(SLEEPER, { timeout_ms: '100', memory_limit_mb: '16' }) });
    expect(tight.taskId).not.toBe(first.taskId);
    expect(tight.result?.status).toBe('EXECUTION_STATUS_TIMEOUT');
    const task = await t.client.getTask({ taskId: tight.taskId });
    expect(task.task?.metadata).toMatchObject({ memory_limit_mb: '16', timeout_ms: '100' });

    // Identical in everything: the same task again.
    const again = await t.client.invoke({ taskName: 'sleeper', artifactSpec: jsSpec(SLEEPER, { memory_limit_mb: '16', timeout_ms: '100' }) });
    expect(again.taskId).toBe(tight.taskId);
    // Back to the first settings: the name's current version is the tight one, so this is a new
    // version (a rollback is a deploy; see task-versions.ts), never the tight task.
    const plain = await t.client.invoke({ taskName: 'sleeper', artifactSpec: jsSpec(SLEEPER) });
    expect(plain.taskId).not.toBe(tight.taskId);
    expect(plain.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  });

  it('a tenant or a free label is part of the identity too', async () => {
    const a = await t.client.invoke({ taskName: 'labelled', artifactSpec: jsSpec('export default () => 1', { owner: 'ada' }) });
    const b = await t.client.invoke({ taskName: 'labelled', artifactSpec: jsSpec('export default () => 1', { owner: 'bob' }) });
    const c = await t.client.invoke({ taskName: 'labelled', artifactSpec: jsSpec('export default () => 1', { owner: 'ada', tenant: 'acme' }) });
    expect(new Set([a.taskId, b.taskId, c.taskId]).size).toBe(3);
  });

  it.each([
    ['memory_limt_mb', 'memory_limit_mb'],
    ['Memory_Limit_MB', 'memory_limit_mb'],
    ['timeout-ms', 'timeout_ms'],
    ['max_instance', 'max_instances'],
    ['tenent', 'tenant'],
  ])('the key %s is refused as a misspelling of %s, and nothing is stored', async (key, known) => {
    const before = (await t.client.listTasks({ limit: 1000 })).tasks.length;
    const err = (await t.client.invoke({ taskName: 'typo', artifactSpec: jsSpec('export default () => 1', { [key]: '16' }) }).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe(`artifact_spec.metadata.${known}: unknown key '${key}' looks like a misspelling of '${known}'; use '${known}', or another name for a free label`);
    expect((await t.client.listTasks({ limit: 1000 })).tasks.length).toBe(before);
  });
});

describe('create_if_not_exists under concurrency', () => {
  it('one registration of an id wins; a different code is refused ALREADY_EXISTS; the code under the id never changes', async () => {
    let refusals = 0;
    for (let round = 0; round < 5; round++) {
      const taskId = `job-${round}`;
      const call = (code: string) =>
        t.client.invoke({ taskId, createIfNotExists: true, taskName: 'job', artifactSpec: jsSpec(`export default () => '${code}'`) }).then(
          (res) => ({ ok: true as const, value: valueOf(res.result?.result), taskId: res.taskId }),
          (err: ServiceError) => ({ ok: false as const, code: err.code, details: err.details }),
        );
      const answers = await Promise.all([call('A'), call('B'), call('A'), call('B')]);
      // The stored code is the winner's; every caller that ran, ran it.
      const stored = valueOf((await t.client.invoke({ taskId })).result?.result);
      expect(['A', 'B']).toContain(stored);
      for (const a of answers) {
        if (a.ok) {
          expect(a).toEqual({ ok: true, value: stored, taskId });
        } else {
          refusals++;
          expect(a.code).toBe(status.ALREADY_EXISTS);
          expect(a.details).toMatch(new RegExp(`^artifact_spec: task ${taskId} already exists with different code`));
        }
      }
      // A later NEW_TASK of the loser's code gets a task of its own, never this id.
      const other = stored === 'A' ? 'B' : 'A';
      const fresh = await t.client.invoke({ taskName: 'job', artifactSpec: jsSpec(`export default () => '${other}'`) });
      expect(fresh.taskId).not.toBe(taskId);
      expect(valueOf((await t.client.invoke({ taskId })).result?.result)).toBe(stored);
    }
    expect(refusals).toBeGreaterThan(0);
  });
});
