/**
 * Cancel reaches a call at every stage: a stream or a SYNC call whose client goes while the call
 * still waits for an execution slot ends at once, frees its place and leaves no execution behind;
 * a stream cancelled after it started is cancelled for real.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';

const SOURCE = `
export const hold = ({ ms }) => new Promise((resolve) => setTimeout(() => resolve(ms), ms));
export async function* drip({ ms }) { for (let i = 0; ; i++) { await new Promise((r) => setTimeout(r, ms)); yield i; } }
`;

let t: TestServer;
let taskId: string;

beforeAll(async () => {
  // One execution at a time of the 'queued' task (two in all); a queued call waits at most 2 s.
  t = await startTestServer({ maxConcurrentExecutions: 2, queueTimeoutMs: 2_000 });
  taskId = (await t.client.invoke({ taskName: 'queued', artifactSpec: jsSpec(SOURCE, { timeout_ms: '4000', max_concurrency: '1' }), functionName: 'hold', parameters: params({ ms: 1 }) })).taskId;
});
afterAll(() => t.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function executionsOfTask(): Promise<string[]> {
  const res = await t.client.listExecutions({ taskId, limit: 100 });
  return res.executions.map((e) => e.functionName);
}

/**
 * Holds the one slot for `ms`, lets `queue` put a call behind it and take it back, then checks
 * that the slot was free for the next call as soon as the holder ended: a call sent then completes
 * (had the cancelled call kept its place, it would run its 3.5 s and the next call, waiting 2 s at
 * most, would be refused).
 */
async function expectPlaceFreed(queue: () => Promise<void>): Promise<void> {
  const before = (await executionsOfTask()).length;
  const holder = t.client.invoke({ taskId, functionName: 'hold', parameters: params({ ms: 1_000 }) });
  await sleep(200);
  await queue();
  expect((await holder).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  const next = await t.client.invoke({ taskId, functionName: 'hold', parameters: params({ ms: 5 }) });
  expect(next.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  expect(valueOf(next.result?.result)).toBe(5);
  // Only the holder and the next call ran: the cancelled one left nothing behind.
  expect((await executionsOfTask()).length - before).toBe(2);
  expect(t.server.core.admission.queuedCount).toBe(0);
}

describe('a call cancelled while queued', () => {
  it('a stream cancelled while it waits for a slot ends at once and frees its place', async () => {
    await expectPlaceFreed(async () => {
      const call = t.client.streamCall({ taskId, functionName: 'drip', parameters: params({ ms: 3_500 }) });
      const ended = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
      call.on('data', () => undefined);
      await sleep(100);
      expect(t.server.core.admission.queuedCount).toBe(1);
      call.cancel();
      expect((await ended).code).toBe(grpc.status.CANCELLED);
      await sleep(50);
      expect(t.server.core.admission.queuedCount).toBe(0);
    });
  }, 20_000);

  it('a SYNC call whose deadline passes while it waits for a slot ends at once and frees its place', async () => {
    await expectPlaceFreed(async () => {
      const err = await t.client.invoke({ taskId, functionName: 'hold', parameters: params({ ms: 3_500 }) }, { deadlineMs: 200 }).catch((e: grpc.ServiceError) => e);
      expect((err as grpc.ServiceError).code).toBe(grpc.status.DEADLINE_EXCEEDED);
      await sleep(50);
      expect(t.server.core.admission.queuedCount).toBe(0);
    });
  }, 20_000);
});

describe('a stream cancelled while it runs', () => {
  it('is cancelled for real, whenever the client goes', async () => {
    const call = t.client.streamCall({ taskId, functionName: 'drip', parameters: params({ ms: 20 }) });
    call.on('error', () => undefined);
    const id = await new Promise<string>((resolve) => call.on('data', (m: { executionId: string; metadata: Record<string, string> }) => m.metadata.kind === 'data' && resolve(m.executionId)));
    call.cancel();
    const status = await t.client.waitForExecution(id, 5_000);
    expect(status.result?.status).toBe('EXECUTION_STATUS_CANCELLED');
    expect(status.result?.errorMessage).toContain('the client cancelled the stream');
  }, 20_000);
});

describe('a SYNC call cancelled while it waits for an instance', () => {
  it('ends CANCELLED without running and frees its slot', async () => {
    // One instance, two calls at once: the second has its execution slot and waits for the instance.
    const one = (await t.client.invoke({ taskName: 'one-instance', artifactSpec: jsSpec(SOURCE, { max_instances: '1', max_concurrency: '2', timeout_ms: '4000' }), functionName: 'hold', parameters: params({ ms: 1 }) })).taskId;
    const holder = t.client.invoke({ taskId: one, functionName: 'hold', parameters: params({ ms: 1_500 }) });
    await sleep(200);
    const executionId = `waits-for-instance-${Date.now()}`;
    const err = await t.client.invoke({ taskId: one, functionName: 'hold', parameters: params({ ms: 1_000 }), executionId }, { deadlineMs: 300 }).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // Ended while the holder still runs: it never ran, and its slot is free again.
    const status = await t.client.waitForExecution(executionId, 1_000);
    expect(status.result?.status).toBe('EXECUTION_STATUS_CANCELLED');
    expect(status.result?.errorMessage).toBe('cancelled: the client went before the call started');
    expect(t.server.core.admission.runningCount).toBe(1);
    expect((await holder).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  }, 20_000);
});
