/**
 * Request bounds through the real server: oversized ids, parameter floods, unknown enum numbers,
 * non-decimal limits and undecodable bytes are refused with INVALID_ARGUMENT naming the field, with
 * a short message, and change nothing; the same connection keeps serving other calls.
 */
import { type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer } from './harness.js';

let t: TestServer;
let taskId: string;

beforeAll(async () => {
  t = await startTestServer({ maxParameters: 100, maxParameterBytes: 64 * 1024, maxMetadataEntries: 8, maxMetadataValueBytes: 256 });
  const res = await t.client.invoke({ taskName: 'echo', artifactSpec: jsSpec('export default (p) => p'), parameters: params({ a: 1 }) });
  expect(res.success).toBe(true);
  taskId = res.taskId;
});
afterAll(() => t.stop());

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e as ServiceError,
  );
  expect(err, 'the request should have been refused').toBeDefined();
  return err!;
}

/** Sends raw bytes as an InvokeFunction (or other) request. */
function rawCall(method: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    t.client.raw.makeUnaryRequest(
      `/spearlet.FunctionService/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      (err, res) => (err ? reject(err) : resolve(res as Buffer)),
    );
  });
}

async function executionCount(): Promise<number> {
  return (await t.client.listExecutions({ limit: 1000 })).executions.length;
}

describe('ids', () => {
  it('a 1 MiB id is refused with a short message in every RPC, and the connection keeps serving', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    const before = await executionCount();
    const calls: Array<[string, Promise<unknown>, string]> = [
      ['CancelExecution', t.client.cancelExecution({ executionId: huge }), 'execution_id'],
      ['InvokeFunction', t.client.invoke({ taskId, executionId: huge }), 'execution_id'],
      ['InvokeFunction task_id', t.client.invoke({ taskId: huge }), 'task_id'],
      ['DeleteTask', t.client.deleteTask({ taskId: huge }), 'task_id'],
      ['GetExecutionStatus', t.client.getExecutionStatus({ executionId: huge }), 'execution_id'],
      ['GetTask', t.client.getTask({ taskId: huge }), 'task_id'],
      ['ListExecutions', t.client.listExecutions({ startAfter: huge }), 'start_after'],
    ];
    const health = t.client.getHealth({});
    for (const [name, call, field] of calls) {
      const err = await refusal(call);
      expect({ name, code: err.code }).toEqual({ name, code: status.INVALID_ARGUMENT });
      expect(err.details).toBe(`${field}: must be at most 128 characters, got ${huge.length}`);
      expect(err.metadata.get('spearlet-field')).toEqual([field]);
    }
    expect((await health).status).toBe('healthy');
    expect(await executionCount()).toBe(before);
  });
});

describe('parameters and metadata', () => {
  it('480,000 parameters are refused before they are decoded, naming the count', async () => {
    // 480,000 empty FunctionParameter entries: field 7, length 0.
    const bytes = Buffer.alloc(480_000 * 2);
    for (let i = 0; i < bytes.length; i += 2) bytes[i] = (7 << 3) | 2;
    const err = await refusal(rawCall('InvokeFunction', bytes));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe('parameters: 480000 parameters, over the limit of 100');
    expect((await t.client.getHealth({})).status).toBe('healthy');
  });

  it('parameter bytes over the bound are refused naming the size', async () => {
    const err = await refusal(t.client.invoke({ taskId, parameters: params({ blob: 'y'.repeat(100 * 1024) }) }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^parameters: \d+ bytes of parameters, over the limit of 65536 bytes$/);
  });

  it('parameters within the bounds still run', async () => {
    const res = await t.client.invoke({ taskId, parameters: params(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, i]))) });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
  });

  it('a request over maxRequestBytes is refused by gRPC with RESOURCE_EXHAUSTED', async () => {
    const small = await startTestServer({ maxRequestBytes: 64 * 1024 });
    try {
      const err = await refusal(small.client.invoke({ taskName: 'big', artifactSpec: jsSpec(`export default () => '${'z'.repeat(100 * 1024)}'`) }));
      expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    } finally {
      await small.stop();
    }
  });

  it('invocation_metadata over its entry or size bound is refused naming the key, and nothing is stored', async () => {
    const before = await executionCount();
    const big = await refusal(t.client.invoke({ taskId, invocationMetadata: { note: 'n'.repeat(300) } }));
    expect(big.code).toBe(status.INVALID_ARGUMENT);
    expect(big.details).toBe('invocation_metadata.note: a key or value of 300 bytes, over the limit of 256 bytes');
    const many = await refusal(t.client.invoke({ taskId, invocationMetadata: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v'])) }));
    expect(many.code).toBe(status.INVALID_ARGUMENT);
    expect(many.details).toBe('invocation_metadata: 9 entries, over the limit of 8');
    expect(await executionCount()).toBe(before);
  });
});

describe('lenient input', () => {
  it('unknown enum numbers are refused naming the field', async () => {
    const mode = await refusal(t.client.invoke({ taskId, executionMode: 99 as never }));
    expect([mode.code, mode.details]).toEqual([status.INVALID_ARGUMENT, 'execution_mode: unknown enum value 99']);
    const type = await refusal(t.client.invoke({ taskId, invocationType: 77 as never }));
    expect([type.code, type.details]).toEqual([status.INVALID_ARGUMENT, 'invocation_type: unknown enum value 77']);
    const filter = await refusal(t.client.listExecutions({ statusFilter: 42 as never }));
    expect([filter.code, filter.details]).toEqual([status.INVALID_ARGUMENT, 'status_filter: unknown enum value 42']);
  });

  it.each(['0x20', '1e3', ' 32', '32.0', '+32'])('the limit %j is refused: limits are decimal integers', async (raw) => {
    const before = (await t.client.listTasks({ limit: 1000 })).tasks.length;
    const err = await refusal(t.client.invoke({ taskName: 'hexa', artifactSpec: jsSpec('export default () => 1', { memory_limit_mb: raw }) }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe(`artifact_spec.metadata.memory_limit_mb: must be a decimal integer >= 8, got '${raw}'`);
    expect((await t.client.listTasks({ limit: 1000 })).tasks.length).toBe(before);
  });

  it('undecodable protobuf bytes are INVALID_ARGUMENT, not INTERNAL', async () => {
    for (const [method, bytes] of [['InvokeFunction', Buffer.from([0x0a, 0x05, 0x01])], ['GetTask', Buffer.from([0x7f])], ['ListExecutions', Buffer.from([0x12, 0x09, 0x41])]] as const) {
      const err = await refusal(rawCall(method, bytes));
      expect({ method, code: err.code }).toEqual({ method, code: status.INVALID_ARGUMENT });
      expect(err.details).toMatch(new RegExp(`^request: is not a valid ${method} request message`));
    }
  });
});

describe('names', () => {
  it('an oversized function_name is refused by its length, never echoed', async () => {
    const err = await refusal(t.client.invoke({ taskId, functionName: 'f'.repeat(200_000) }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe('function_name: must be at most 1024 characters, got 200000');
  });
});
