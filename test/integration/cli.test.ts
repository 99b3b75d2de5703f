/**
 * The `spearlet` CLI as a person or a script runs it: the real launcher as a child process against
 * a test server. Asserts exit codes, what is printed where, and the --json shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun as Run, runCli } from '../helpers/spearlet-process.js';
import { type TestServer, fixtureSpec, registerTask, startTestServer } from './harness.js';

let t: TestServer;
let basics: string;
let lifecycle: string;

const cli = (args: string[], env: Record<string, string> = {}) => runCli(t.server.address, args, env);

const json = (r: Run) => JSON.parse(r.stdout) as Record<string, any>;

beforeAll(async () => {
  t = await startTestServer();
  basics = await registerTask(t.client, await fixtureSpec('js/basics.js'), 'cli-basics', 'add', { a: 1, b: 1 });
  lifecycle = await registerTask(t.client, await fixtureSpec('js/lifecycle.js'), 'cli-lifecycle', 'whoAmI');
});
afterAll(() => t.stop());

describe('spearlet CLI', () => {
  it('documents every command, and each command its options', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['serve', 'invoke', 'tasks', 'task', 'delete', 'executions', 'status', 'cancel', 'health', 'stats', 'conformance']) expect(top.stdout).toContain(`  ${c} `);
    const invoke = await cli(['invoke', '--help']);
    expect(invoke.code).toBe(0);
    expect(invoke.stdout).toMatch(/--param K=V[\s\S]*K:int=3[\s\S]*--async[\s\S]*--stream[\s\S]*--target HOST:PORT/);
  });

  it('usage mistakes exit 2 with a pointer to --help', async () => {
    const missing = await cli(['invoke']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/spearlet invoke: missing a task NAME, TASK_ID or FILE\nrun 'spearlet invoke --help'/);
    const badParam = await cli(['invoke', basics, '-p', 'a:int=1.5']);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toContain("--param a: '1.5' is not an integer");
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('invokes a fixture file with typed parameters: the result on stdout, the status on stderr', async () => {
    const r = await cli(['invoke', 'fixtures/js/basics.js', '--fn', 'add', '-p', 'a:int=2', '--param', 'b:int32=3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('5\n');
    expect(r.stderr).toMatch(/^COMPLETED exec-\S+ task task-\S+ · in \d+ ms/);
  });

  it('invoke --json gives every typed parameter its type', async () => {
    const r = await cli([
      'invoke', 'fixtures/js/values.js', '--fn', 'describeParams', '--json',
      '-p', 's=hi', '-p', 'n:int=9007199254740993', '-p', 'f:float=1.5', '-p', 'ok:bool=true',
      '-p', 'j:json={"a":[1]}', '-p', 'b:bytes=@fixtures/js/syntax-error.js', '--env', 'A=1',
    ]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ status: 'COMPLETED', resultType: 'Value', executionId: expect.stringMatching(/^exec-/), taskId: expect.stringMatching(/^task-/) });
    expect(out.result).toMatchObject({
      s: { type: 'string', value: 'hi' },
      n: { type: 'bigint', value: '9007199254740993' },
      f: { type: 'number', value: 1.5 },
      ok: { type: 'boolean', value: true },
      j: { type: 'object', value: { a: [1] } },
      b: { type: 'bytes' },
    });
  });

  it('an execution that fails exits 3 with its error code and message', async () => {
    const r = await cli(['invoke', basics, '--fn', 'fails', '-p', 'message=oh no']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^FAILED exec-/);
    expect(r.stderr).toContain('FUNCTION_ERROR: TypeError: oh no');
  });

  it('a refused request exits 1 with the server message', async () => {
    const r = await cli(['invoke', 'task-nope', '--fn', 'add']);
    expect(r.code).toBe(1);
    // Not a generated task id, so taken as a name (then tried as an id): the name's error.
    expect(r.stderr).toBe("spearlet invoke: task_name: no task named 'task-nope' (NOT_FOUND, TASK_NOT_FOUND)\n");
    const down = await cli(['health'], { SPEARLET_TARGET: '127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the server/);
  });

  it('--async follows the execution to its end; --no-wait returns the id', async () => {
    const followed = await cli(['invoke', lifecycle, '--fn', 'sleep', '-p', 'ms:int=200', '--async', '--json']);
    expect(followed.code).toBe(0);
    expect(json(followed)).toMatchObject({ status: 'COMPLETED', result: 200 });
    const accepted = await cli(['invoke', lifecycle, '--fn', 'sleep', '-p', 'ms:int=20000', '--async', '--no-wait']);
    expect(accepted.code).toBe(0);
    const id = accepted.stdout.trim();
    expect(id).toMatch(/^exec-/);
    const running = await cli(['status', id, '--json']);
    expect(running.code).toBe(4); // still running, not failed
    expect(json(running).status).toMatch(/PENDING|RUNNING/);
    const cancelled = await cli(['cancel', id, '--reason', 'from the cli']);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toBe(`CANCELLED ${id}: execution cancelled\n`);
    const again = await cli(['cancel', id, '--json']);
    expect(again.code).toBe(3);
    expect(json(again)).toMatchObject({ cancelled: false, finalStatus: 'CANCELLED' });
    const after = await cli(['status', id, '--json']);
    expect(json(after)).toMatchObject({ status: 'CANCELLED', errorCode: 'CANCELLED', errorMessage: expect.stringContaining('from the cli') });
  });

  it('--stream prints each chunk as it comes', async () => {
    const r = await cli(['invoke', 'fixtures/js/streaming.js', '--fn', 'ticker', '-p', 'n:int=3', '--stream']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{\n  "tick": 0\n}\n{\n  "tick": 1\n}\n{\n  "tick": 2\n}\n');
    expect(r.stderr).toContain('│ tick 0');
    expect(r.stderr).toMatch(/COMPLETED exec-/);
    const lines = (await cli(['invoke', 'fixtures/js/streaming.js', '--fn', 'count', '-p', 'n:int=2', '--stream', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['chunk', 'chunk', 'final']);
    expect(lines.map((l) => l.value ?? l.status)).toEqual([1, 2, 'COMPLETED']);
  });

  it('status --logs shows the log lines; executions filters by task and status', async () => {
    const run = json(await cli(['invoke', basics, '--fn', 'logs', '-p', 'n:int=2', '--json']));
    const status = await cli(['status', run.executionId, '--logs', '--json']);
    expect(status.code).toBe(0);
    expect(json(status)).toMatchObject({ status: 'COMPLETED', result: 2, logs: expect.arrayContaining(['line 0', 'line 1']) });
    const human = await cli(['status', run.executionId, '--logs']);
    expect(human.stdout).toBe('2\n');
    expect(human.stderr).toContain('│ line 1');
    const failed = await cli(['executions', '--task', basics, '--status', 'failed', '--json']);
    expect(failed.code).toBe(0);
    const list = json(failed).executions as Array<{ status: string; taskId: string }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((e) => e.status === 'FAILED' && e.taskId === basics)).toBe(true);
    const table = await cli(['executions', '--task', basics, '--limit', '2']);
    expect(table.stdout.split('\n')[0]).toMatch(/^EXECUTION ID\s+TASK ID\s+FUNCTION\s+MODE\s+STATUS/);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('tasks, task and delete', async () => {
    const all = await cli(['tasks', '--limit', '1', '--all', '--json']);
    expect(all.code).toBe(0);
    const names = (json(all).tasks as Array<{ taskName: string }>).map((x) => x.taskName);
    expect(names).toEqual(expect.arrayContaining(['cli-basics', 'cli-lifecycle']));
    const table = await cli(['tasks', '--prefix', 'cli-']);
    expect(table.stdout).toMatch(/^TASK ID\s+NAME\s+VERSION\s+TYPE\s+EXECUTIONS\s+LAST STATUS\s+CREATED\n/);
    expect(table.stdout).toContain('cli-lifecycle');
    const one = await cli(['task', lifecycle]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/task id\s+task-/);
    expect(one.stdout).toContain('cli-lifecycle');
    const missing = await cli(['task', 'task-nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no task with id 'task-nope'");
    const victim = await registerTask(t.client, await fixtureSpec('js/basics.js'), 'cli-victim', 'add', { a: 1, b: 2 });
    const deleted = await cli(['delete', victim, '--force', '--cleanup', '--json']);
    expect(deleted.code).toBe(0);
    expect(json(deleted)).toMatchObject({ deleted: true, cleanedExecutions: 1 });
    expect((await t.client.getTask({ taskId: victim })).found).toBe(false);
  });

  it('health and stats', async () => {
    const health = await cli(['health', '--json']);
    expect(health.code).toBe(0);
    expect(json(health)).toMatchObject({ status: 'healthy', details: { activeTasks: expect.any(Number) } });
    const human = await cli(['health']);
    expect(human.stdout).toMatch(/^status\s+healthy\n/);
    const stats = await cli(['stats', '--hours', '1', '--json']);
    expect(stats.code).toBe(0);
    expect(json(stats)).toMatchObject({ serviceStats: { totalTasks: expect.any(Number) }, executionStats: { completedExecutions: expect.any(Number) } });
    const table = await cli(['stats']);
    expect(table.stdout).toMatch(/success rate\s+[\d.]+ %/);
  });

  it('conformance prints a line per case and the summary line', async () => {
    const r = await cli(['conformance', '--filter', '^values: a string result|^refused: an unknown task_id']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS refused: an unknown task_id is NOT_FOUND \(\d+ ms\)\nPASS values: a string result is a StringValue \(\d+ ms\)\n2 passed, 0 failed\n$/);
    const none = await cli(['conformance', '--filter', 'no case has this name']);
    expect(none.code).toBe(2);
  });
});
