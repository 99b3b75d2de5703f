/**
 * Refused requests: the gRPC code, a message naming the field, and no stored state changed.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, dataUri, fixtureSpec, jsSpec, params, startTestServer } from './harness.js';

let t: TestServer;
let taskId: string;

beforeAll(async () => {
  t = await startTestServer();
  const res = await t.client.invoke({ taskName: 'basics', artifactSpec: await fixtureSpec('js/basics.js'), functionName: 'add', parameters: params({ a: 1, b: 1 }) });
  taskId = res.taskId;
});
afterAll(() => t.stop());

async function refused(promise: Promise<unknown>, code: status, message: RegExp): Promise<void> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code: number; details: string } | undefined;
  expect(err, 'the request should have been refused').toBeDefined();
  expect({ code: err!.code, details: err!.details }).toMatchObject({ code, details: expect.stringMatching(message) });
}

async function storedCounts(): Promise<{ tasks: number; executions: number }> {
  const tasks = await t.client.listTasks({ limit: 1000 });
  const executions = await t.client.listExecutions({ limit: 1000 });
  return { tasks: tasks.tasks.length, executions: executions.executions.length };
}

describe('refused requests', () => {
  it('each maps to its gRPC code, names the field, and stores nothing', async () => {
    const before = await storedCounts();
    const outside = path.join(path.dirname(t.artifactRoot), 'outside.js');
    await fs.writeFile(outside, 'export default () => 1;');
    await fs.symlink(outside, path.join(t.artifactRoot, 'link.js'));
    const cases: Array<[string, () => Promise<unknown>, status, RegExp]> = [
      ['unknown artifact_type', () => t.client.invoke({ taskName: 'x', artifactSpec: { artifactType: 'cobol', location: dataUri('x') } }), status.INVALID_ARGUMENT, /artifact_spec\.artifact_type: 'cobol'.*javascript/],
      ['missing location', () => t.client.invoke({ taskName: 'x', artifactSpec: { artifactType: 'js' } }), status.INVALID_ARGUMENT, /artifact_spec\.location/],
      ['missing task_name', () => t.client.invoke({ invocationType: 'INVOCATION_TYPE_NEW_TASK', artifactSpec: jsSpec('export default () => 1') }), status.INVALID_ARGUMENT, /task_name/],
      ['syntax error', async () => t.client.invoke({ taskName: 'bad', artifactSpec: await fixtureSpec('js/syntax-error.js') }), status.INVALID_ARGUMENT, /SyntaxError: .*\(line 5, column \d+\)/],
      ['checksum mismatch', () => t.client.invoke({ taskName: 'x', artifactSpec: { ...jsSpec('export default () => 1'), checksum: `sha256:${'0'.repeat(64)}` } }), status.INVALID_ARGUMENT, /artifact_spec\.checksum/],
      ['path outside the roots', () => t.client.invoke({ taskName: 'x', artifactSpec: { artifactType: 'js', location: '../outside.js' } }), status.PERMISSION_DENIED, /artifact_spec\.location/],
      ['symlink outside the roots', () => t.client.invoke({ taskName: 'x', artifactSpec: { artifactType: 'js', location: 'link.js' } }), status.PERMISSION_DENIED, /outside the artifact roots/],
      ['http not allow-listed', () => t.client.invoke({ taskName: 'x', artifactSpec: { artifactType: 'js', location: 'https://example.com/f.js' } }), status.PERMISSION_DENIED, /artifact_spec\.location/],
      ['unknown task id', () => t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId: 'task-nope' }), status.NOT_FOUND, /task_id: no task with id 'task-nope'/],
      ['create_if_not_exists without artifact_spec', () => t.client.invoke({ taskId: 'task-nope', createIfNotExists: true }), status.NOT_FOUND, /task_id: no task with id 'task-nope'/],
      ['nothing to invoke', () => t.client.invoke({}), status.INVALID_ARGUMENT, /invocation_type/],
      ['EXISTING_TASK without task_id', () => t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK' }), status.INVALID_ARGUMENT, /task_id: is required/],
      ['STREAM mode on InvokeFunction', () => t.client.invoke({ taskId, executionMode: 'EXECUTION_MODE_STREAM' }), status.INVALID_ARGUMENT, /execution_mode/],
      ['unknown function', () => t.client.invoke({ taskId, functionName: 'nope' }), status.INVALID_ARGUMENT, /function_name: 'nope' is not an exported function.*add/],
      ['unknown function on a new task', () => t.client.invoke({ taskName: 'fresh', artifactSpec: jsSpec('export function a() {}'), functionName: 'b' }), status.INVALID_ARGUMENT, /function_name/],
      ['required parameter without value', () => t.client.invoke({ taskId, functionName: 'add', parameters: [{ name: 'a', required: true }] }), status.INVALID_ARGUMENT, /parameters\[0\]/],
      ['malformed parameter bytes', () => t.client.invoke({ taskId, functionName: 'add', parameters: [{ name: 'a', value: { type_url: 'type.googleapis.com/google.protobuf.Int32Value', value: Buffer.from([0x08]) } }] }), status.INVALID_ARGUMENT, /parameters\[0\]/],
      ['bad execution_id', () => t.client.invoke({ taskId, functionName: 'add', executionId: 'has spaces' }), status.INVALID_ARGUMENT, /execution_id/],
      ['negative timeout', () => t.client.invoke({ taskId, functionName: 'add', context: { timeoutMs: -5 } }), status.INVALID_ARGUMENT, /context\.timeout_ms/],
      ['bad memory metadata', () => t.client.invoke({ taskName: 'x', artifactSpec: jsSpec('export default () => 1', { memory_limit_mb: 'lots' }) }), status.INVALID_ARGUMENT, /artifact_spec\.metadata\.memory_limit_mb/],
      ['cancel unknown', () => t.client.cancelExecution({ executionId: 'exec-nope' }), status.NOT_FOUND, /execution_id/],
      ['delete unknown', () => t.client.deleteTask({ taskId: 'task-nope' }), status.NOT_FOUND, /task_id/],
      ['status without id', () => t.client.getExecutionStatus({}), status.INVALID_ARGUMENT, /execution_id: is required/],
      ['negative list limit', () => t.client.listTasks({ limit: -1 }), status.INVALID_ARGUMENT, /limit/],
    ];
    for (const [name, promise, code, message] of cases) {
      await expect(refused(promise(), code, message), name).resolves.toBeUndefined();
    }
    expect(await storedCounts()).toEqual(before);
  });

  it('answers found=false for unknown ids on reads', async () => {
    expect((await t.client.getExecutionStatus({ executionId: 'exec-unknown' })).found).toBe(false);
    expect((await t.client.getTask({ taskId: 'task-unknown' })).found).toBe(false);
    expect(await t.client.listExecutions({ taskId: 'task-unknown' })).toMatchObject({ executions: [], hasMore: false });
  });

  it('refuses an artifact over the size cap', async () => {
    const small = await startTestServer({ maxArtifactBytes: 64 });
    try {
      await refused(small.client.invoke({ taskName: 'big', artifactSpec: jsSpec(`export default () => '${'x'.repeat(200)}'`) }), status.INVALID_ARGUMENT, /over the limit of 64 bytes/);
    } finally {
      await small.stop();
    }
  });
});
