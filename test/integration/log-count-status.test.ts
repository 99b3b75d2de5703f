/**
 * The dropped-log-lines marker gives the real count (JavaScript console and WASI stderr), and the
 * CLI's `status` shows the execution's task id and function name.
 */
import wabtInit from 'wabt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/spearlet-process.js';
import { type TestServer, dataUri, jsSpec, params, startTestServer } from './harness.js';

const LIMIT = 50;

/** A WASI command that writes "x\n" to stderr 100,000 times. */
const WASI_LOGGER = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "x\\n")
  (func (export "_start") (local $i i32)
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 2))
    (loop $again
      (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 100000))))))`;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ maxLogLinesPerExecution: LIMIT });
});
afterAll(() => t.stop());

async function logsOf(executionId: string): Promise<string[]> {
  return (await t.client.getExecutionStatus({ executionId, includeLogs: true })).logs;
}

describe('dropped log lines', () => {
  it('JavaScript: 100,000 console lines keep the first 50 and say 99,950 more were dropped', async () => {
    const res = await t.client.invoke({
      taskName: 'chatty',
      artifactSpec: jsSpec('export default ({ n }) => { for (let i = 0; i < n; i++) console.log("line " + i); return n; }'),
      parameters: params({ n: 100_000 }),
    });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    const logs = await logsOf(res.executionId);
    expect(logs).toHaveLength(LIMIT + 1);
    expect(logs[LIMIT - 1]).toBe(`line ${LIMIT - 1}`);
    expect(logs[LIMIT]).toBe(`[spearlet] ${100_000 - LIMIT} more log lines dropped (limit ${LIMIT} per execution)`);
  });

  it('JavaScript: one line over the limit is counted as one', async () => {
    const res = await t.client.invoke({
      taskName: 'chatty-one',
      artifactSpec: jsSpec('export default ({ n }) => { for (let i = 0; i < n; i++) console.log("line " + i); return n; }'),
      parameters: params({ n: LIMIT + 1 }),
    });
    expect((await logsOf(res.executionId)).at(-1)).toBe(`[spearlet] 1 more log lines dropped (limit ${LIMIT} per execution)`);
  });

  it('WASI: 100,000 stderr lines say 99,950 more were dropped', async () => {
    const wabt = await wabtInit();
    const module = wabt.parseWat('logger.wat', WASI_LOGGER);
    const { buffer } = module.toBinary({});
    module.destroy();
    const res = await t.client.invoke({ taskName: 'wasi-chatty', artifactSpec: { artifactType: 'wasm', location: dataUri(buffer) } });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    const logs = await logsOf(res.executionId);
    expect(logs).toHaveLength(LIMIT + 1);
    expect(logs[LIMIT]).toBe(`[spearlet] ${100_000 - LIMIT} more log lines dropped (limit ${LIMIT} per execution)`);
  });
});

const cli = (args: string[]) => runCli(t.server.address, args);

describe('spearlet status', () => {
  it('shows the task id and the function name', async () => {
    const res = await t.client.invoke({ taskName: 'named', artifactSpec: jsSpec('export function greet({ who }) { return "hi " + who; }'), functionName: 'greet', parameters: params({ who: 'ada' }) });
    const human = await cli(['status', res.executionId]);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/function\s+greet/);
    expect(human.stderr).toContain(`task ${res.taskId} ·`);
    const json = JSON.parse((await cli(['status', res.executionId, '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ executionId: res.executionId, taskId: res.taskId, functionName: 'greet', result: 'hi ada' });
  });
});
