/**
 * Caller-chosen execution ids under concurrency: concurrent and queued repeats run the function
 * once and every caller gets that execution; a repeat whose request differs is ALREADY_EXISTS
 * naming the field, also after a restart.
 */
import { type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeFunctionRequest } from '../../src/generated/spearlet/InvokeFunctionRequest.js';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';

const SOURCE = `
export function roll(p) { return { n: p.n, roll: Math.random() }; }
export async function hold(p) { await new Promise((r) => setTimeout(r, p.ms)); return 'held'; }
`;

let t: TestServer;
let taskId: string;

beforeAll(async () => {
  t = await startTestServer();
  // One call at a time, so a second call waits in the queue.
  const res = await t.client.invoke({ taskName: 'dice', artifactSpec: jsSpec(SOURCE, { max_concurrency: '1' }), functionName: 'roll', parameters: params({ n: 0 }) });
  taskId = res.taskId;
});
afterAll(() => t.stop());

async function executionCount(): Promise<number> {
  return (await t.client.getTask({ taskId })).task!.executionCount;
}

const roll = (executionId: string, extra: Partial<InvokeFunctionRequest> = {}): InvokeFunctionRequest => ({
  taskId,
  functionName: 'roll',
  parameters: params({ n: 1 }),
  executionId,
  ...extra,
});

describe('idempotent execution ids', () => {
  it('five concurrent calls with one id run the function once, and all five get that execution', async () => {
    const before = await executionCount();
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.client.invoke(roll('dice-concurrent'))));
    const results = answers.map((a) => ({ id: a.executionId, status: a.result?.status, value: valueOf(a.result?.result) }));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toMatchObject({ id: 'dice-concurrent', status: 'EXECUTION_STATUS_COMPLETED' });
    expect(await executionCount()).toBe(before + 1);
    const listed = (await t.client.listExecutions({ taskId, limit: 1000 })).executions.filter((e) => e.executionId === 'dice-concurrent');
    expect(listed).toHaveLength(1);
  });

  it('a retry sent while the first call is still queued gets that call', async () => {
    const blocker = t.client.invoke({ taskId, functionName: 'hold', parameters: params({ ms: 600 }) });
    await new Promise((r) => setTimeout(r, 100));
    const before = await executionCount();
    const first = t.client.invoke(roll('dice-queued'));
    await new Promise((r) => setTimeout(r, 100));
    const retry = t.client.invoke(roll('dice-queued'));
    const [a, b] = await Promise.all([first, retry]);
    await blocker;
    expect(valueOf(b.result?.result)).toEqual(valueOf(a.result?.result));
    expect([a.executionId, b.executionId]).toEqual(['dice-queued', 'dice-queued']);
    expect(b.message).toMatch(/^execution_id names an existing execution/);
    expect(await executionCount()).toBe(before + 2); // the blocker and one roll
  });

  it('a repeat whose request differs is ALREADY_EXISTS naming the field, while running and after', async () => {
    const running = t.client.invoke({ taskId, functionName: 'hold', parameters: params({ ms: 300 }), executionId: 'dice-differs' });
    await new Promise((r) => setTimeout(r, 50));
    const cases: Array<[Partial<InvokeFunctionRequest>, string]> = [
      [{ functionName: 'roll' }, 'function_name'],
      [{ parameters: params({ ms: 301 }) }, 'parameters'],
      [{ executionMode: 'EXECUTION_MODE_ASYNC' }, 'execution_mode'],
      [{ taskId: 'task-other' }, 'task_id'],
    ];
    const check = async () => {
      for (const [change, field] of cases) {
        const req = { taskId, functionName: 'hold', parameters: params({ ms: 300 }), executionId: 'dice-differs', ...change };
        const err = (await t.client.invoke(req).catch((e: unknown) => e)) as ServiceError;
        expect({ field, code: err.code }).toEqual({ field, code: status.ALREADY_EXISTS });
        expect(err.details).toMatch(new RegExp(`^${field}: execution_id 'dice-differs' already names an execution of a request with another`));
        expect(err.metadata.get('spearlet-field')).toEqual([field]);
      }
    };
    await check();
    expect((await running).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    await check();
    t = await t.restart();
    await check();
    const same = await t.client.invoke({ taskId, functionName: 'hold', parameters: params({ ms: 300 }), executionId: 'dice-differs' });
    expect(same.message).toMatch(/^execution_id names an existing execution/);
    expect(valueOf(same.result?.result)).toBe('held');
  });
});
