/**
 * RemoteRuntime and RemoteInstance over real sandbox worker processes: the same behaviour as the
 * in-process runtimes (values, logs, chunks, errors with their codes, cancellation, timeouts), plus
 * what only a process boundary adds: placement, a worker dying mid-call, instances moving on.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import type { ExecutionHooks, Instance, Invocation } from '../../../src/core/runtime/runtime.js';
import type { EncodedValue, ParamValue } from '../../../src/core/values/values.js';
import { SpearletError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/logger.js';
import { RemoteInstance } from '../../../src/sandbox/remote-instance.js';
import { RemoteRuntime } from '../../../src/sandbox/remote-runtime.js';
import { Supervisor } from '../../../src/sandbox/supervisor.js';
import { descriptor as v8 } from '../../../runtimes/v8-isolate/descriptor.js';
import { descriptor as wasm } from '../../../runtimes/wasm/descriptor.js';
import { analyze } from '../runtimes/run-call.js';

const supervisor = new Supervisor(resolveConfig({ sandboxWorkers: 2, prewarmIsolates: 1 }), silentLogger());
const js = new RemoteRuntime(v8, supervisor);
const wasmRuntime = new RemoteRuntime(wasm, supervisor);
afterAll(() => supervisor.close());

const SOURCE = `
export function types(params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) out[k] = v instanceof Uint8Array ? 'bytes:' + v.length : typeof v === 'bigint' ? 'bigint:' + v : typeof v + ':' + JSON.stringify(v);
  return out;
}
export function bytes({ n }) { return new Uint8Array(n).map((_, i) => i); }
export function* count({ n }) { for (let i = 0; i < n; i++) { console.log('at ' + i); yield i; } }
export async function nap({ ms }) { await new Promise((r) => setTimeout(r, ms)); return ms; }
export function spin() { for (;;) {} }
let calls = 0;
export function counter() { return ++calls; }
`;
const code = new TextEncoder().encode(SOURCE);
const spec = { taskId: 'task-1', digest: createHash('sha256').update(code).digest('hex'), code, limits: { memoryLimitMb: 64 } };
/** An instance of a task that keeps instances warm (min_instances > 0). */
const warmSpec = { ...spec, limits: { ...spec.limits, keepWarm: true } };

function call(functionName: string, params: Record<string, ParamValue> = {}, options: { timeoutMs?: number; streaming?: boolean } = {}): Invocation {
  return {
    executionId: 'e-1',
    taskId: 'task-1',
    functionName,
    params,
    paramList: Object.values(params),
    env: {},
    headers: {},
    sessionId: '',
    userId: '',
    deadline: Date.now() + (options.timeoutMs ?? 5_000),
    streaming: options.streaming ?? false,
  };
}

function recorder(): ExecutionHooks & { events: string[]; chunks: EncodedValue[] } {
  const events: string[] = [];
  const chunks: EncodedValue[] = [];
  return { events, chunks, onLog: (line) => events.push(`log:${line}`), onChunk: (c, delivered) => (delivered(), chunks.push(c), events.push(`chunk:${c.kind === 'json' ? c.value : c.kind}`)) };
}

const never = new AbortController().signal;

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
const jsonOf = (v: EncodedValue | undefined) => (v?.kind === 'json' ? JSON.parse(v.value) : v);

describe('RemoteRuntime', () => {
  it('registers under the real runtimes’ names', () => {
    expect(js.name).toBe('v8-isolate');
    expect(js.artifactTypes).toContain('javascript');
    expect(wasmRuntime.artifactTypes).toEqual(['wasm', 'webassembly']);
  });

  it.runIf(process.platform === 'linux')('runs guest code at a lower CPU priority than the server (workerNice 10)', async () => {
    const instance = (await js.createInstance(spec)) as Instance & { pid?: number };
    try {
      const pid = instance.pid!;
      // Field 19 of /proc/PID/task/TID/stat is the nice value; the worker's threads made after it
      // lowered its priority (isolated-vm's among them) carry the same.
      const niceOf = (tid: string) => Number(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[16]);
      // (A test run that is itself niced above 10 may not go back up: the worker keeps the runner's.)
      const expected = Math.max(10, os.getPriority());
      expect(niceOf(String(pid))).toBe(expected);
      const threads = fs.readdirSync(`/proc/${pid}/task`).map(niceOf);
      expect(threads.filter((n) => n === expected).length).toBeGreaterThan(1);
    } finally {
      instance.dispose();
    }
  });

  it('analyzes in a worker, and refusals keep their code, field and message', async () => {
    const analysis = await analyze(js, code, { memoryLimitMb: 64 });
    expect(analysis.exports.map((e) => e.name)).toContain('count');
    expect(analysis.exports.find((e) => e.name === 'count')?.kind).toBe('generator');
    const err = await analyze(js, new TextEncoder().encode('export function f( {'), { memoryLimitMb: 64 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpearletError);
    expect((err as SpearletError).code).toBe('INVALID_ARTIFACT');
    expect((err as SpearletError).message).toMatch(/line 1/);
    const wasmErr = await analyze(wasmRuntime, new Uint8Array([0, 1, 2, 3]), { memoryLimitMb: 64 }).catch((e: unknown) => e);
    expect((wasmErr as SpearletError).code).toBe('INVALID_ARTIFACT');
  });

  it('runs a first call given to prepare on the instance it builds, in the same round trip', async () => {
    const hooks = recorder();
    const { analysis, instance, firstOutcome } = await js.prepare(spec, { call: call('count', { n: 2 }), hooks, signal: never });
    try {
      expect(analysis.exports.map((e) => e.name)).toContain('counter');
      expect(firstOutcome).toBeDefined();
      const first = await firstOutcome!;
      expect(first).toMatchObject({ status: 'completed', instanceUsable: true });
      expect(jsonOf(first.value)).toEqual([0, 1]);
      expect(hooks.events).toEqual(['log:at 0', 'log:at 1']);
      // The same instance: module state carries on from that call.
      expect((await instance.execute(call('counter'), recorder(), never)).value).toEqual({ kind: 'json', value: '1' });
      expect((await instance.execute(call('counter'), recorder(), never)).value).toEqual({ kind: 'json', value: '2' });
    } finally {
      instance.dispose();
    }
  });

  it('a first call answers FUNCTION_NOT_FOUND when the module lacks it; a failed load rejects both', async () => {
    const { instance, firstOutcome } = await js.prepare(spec, { call: call('missing'), hooks: recorder(), signal: never });
    const err = await firstOutcome!.catch((e: unknown) => e);
    expect((err as SpearletError).code).toBe('FUNCTION_NOT_FOUND');
    expect((await instance.execute(call('counter'), recorder(), never)).value).toEqual({ kind: 'json', value: '1' });
    instance.dispose();
    const broken = new TextEncoder().encode('export function f( {');
    const refused = await js
      .prepare({ ...spec, code: broken, digest: createHash('sha256').update(broken).digest('hex') }, { call: call('f'), hooks: recorder(), signal: never })
      .catch((e: unknown) => e);
    expect((refused as SpearletError).code).toBe('INVALID_ARTIFACT');
  });

  it('a first call cancelled while its module still loads ends cancelled', async () => {
    const slow = new TextEncoder().encode(`const until = Date.now() + 300; while (Date.now() < until) {}\n${SOURCE}`);
    const abort = new AbortController();
    const preparing = js.prepare({ ...spec, code: slow, digest: createHash('sha256').update(slow).digest('hex') }, { call: call('nap', { ms: 5_000 }), hooks: recorder(), signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    const { instance, firstOutcome } = await preparing;
    try {
      expect(await firstOutcome).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED' });
    } finally {
      instance.dispose();
    }
  });

  it('passes bytes and BigInt in and bytes out without loss', async () => {
    const instance = await js.createInstance(spec);
    try {
      const typed = await instance.execute(call('types', { b: new Uint8Array([1, 2, 3]), big: 2n ** 70n, s: 'x', n: 1.5, o: { a: [1] } }), recorder(), never);
      expect(jsonOf(typed.value)).toEqual({ b: 'bytes:3', big: `bigint:${2n ** 70n}`, s: 'string:"x"', n: 'number:1.5', o: 'object:{"a":[1]}' });
      const bytes = await instance.execute(call('bytes', { n: 5 }), recorder(), never);
      expect(bytes.value).toEqual({ kind: 'bytes', value: new Uint8Array([0, 1, 2, 3, 4]) });
      expect(instance.memoryUsedBytes()).toBe(bytes.memoryUsedBytes);
    } finally {
      instance.dispose();
    }
  });

  it('forwards log lines and chunks in order, as they happen', async () => {
    const instance = await js.createInstance(spec);
    try {
      const hooks = recorder();
      const outcome = await instance.execute(call('count', { n: 3 }, { streaming: true }), hooks, never);
      expect(outcome.status).toBe('completed');
      expect(hooks.events).toEqual(['log:at 0', 'chunk:0', 'log:at 1', 'chunk:1', 'log:at 2', 'chunk:2']);
    } finally {
      instance.dispose();
    }
  });

  it('rejects an unknown function with FUNCTION_NOT_FOUND, like the in-process instance', async () => {
    const instance = await js.createInstance(spec);
    try {
      const err = await instance.execute(call('missing'), recorder(), never).catch((e: unknown) => e);
      expect((err as SpearletError).code).toBe('FUNCTION_NOT_FOUND');
      expect((err as SpearletError).field).toBe('function_name');
    } finally {
      instance.dispose();
    }
  });

  it('cancels through the AbortSignal and times out at the deadline', async () => {
    const instance = await js.createInstance(spec);
    const abort = new AbortController();
    const running = instance.execute(call('nap', { ms: 5_000 }), recorder(), abort.signal);
    setTimeout(() => abort.abort(), 50);
    const cancelled = await running;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.instanceUsable).toBe(false);
    instance.dispose();
    const other = await js.createInstance(spec);
    const t0 = Date.now();
    const timedOut = await other.execute(call('spin', {}, { timeoutMs: 200 }), recorder(), never);
    expect(timedOut.status).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(2_000);
    other.dispose();
  });

  it('places new instances on the least-loaded worker', async () => {
    const instances = (await Promise.all([1, 2, 3, 4].map(() => js.createInstance(spec)))) as RemoteInstance[];
    try {
      const perPid = new Map<number, number>();
      for (const i of instances) perPid.set(i.pid!, (perPid.get(i.pid!) ?? 0) + 1);
      expect([...perPid.values()].sort()).toEqual([2, 2]);
    } finally {
      for (const i of instances) i.dispose();
    }
  });

  it('a worker dying mid-call ends the call INSTANCE_FAILED; idle instances kept warm move at once, others on their next call', async () => {
    const busy = (await js.createInstance(spec)) as RemoteInstance;
    let idle: RemoteInstance;
    do idle = (await js.createInstance(warmSpec)) as RemoteInstance;
    while (idle.pid !== busy.pid);
    let lazy: RemoteInstance;
    do lazy = (await js.createInstance(spec)) as RemoteInstance;
    while (lazy.pid !== busy.pid);
    expect((await idle.execute(call('counter'), recorder(), never)).value).toEqual({ kind: 'json', value: '1' });
    const victim = busy.pid!;
    const running = busy.execute(call('nap', { ms: 5_000 }), recorder(), never);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(victim, 'SIGKILL');
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'INSTANCE_FAILED', instanceUsable: false });
    expect(outcome.errorMessage).toMatch(new RegExp(`sandbox worker ${victim} .*killed by SIGKILL`));
    busy.dispose();
    // The idle instance is rebuilt on a live worker without waiting for a call (state starts over).
    await until(() => idle.pid !== undefined && idle.pid !== victim);
    const moved = await idle.execute(call('counter'), recorder(), never);
    expect(moved.status).toBe('completed');
    expect(moved.value).toEqual({ kind: 'json', value: '1' });
    expect(moved.rebuilt).toBeUndefined();
    // The instance of a task that keeps none warm stayed behind: its next call rebuilds it.
    expect(lazy.pid).toBe(victim);
    const late = await lazy.execute(call('counter'), recorder(), never);
    expect(late).toMatchObject({ status: 'completed', value: { kind: 'json', value: '1' }, rebuilt: true });
    expect(lazy.pid).not.toBe(victim);
    idle.dispose();
    lazy.dispose();
    expect(supervisor.counters.crashed).toBeGreaterThanOrEqual(1);
  });

  it('a call for an instance still waiting to move goes ahead of the queue of moves', async () => {
    // Placement alternates between the two workers: about 24 instances land on each.
    const all = [] as RemoteInstance[];
    for (let i = 0; i < 48; i++) all.push((await js.createInstance(warmSpec)) as RemoteInstance);
    const victim = all[0].pid!;
    const onVictim = all.filter((i) => i.pid === victim);
    const last = onVictim[onVictim.length - 1];
    process.kill(victim, 'SIGKILL');
    await until(() => all[0].pid !== victim);
    const outcome = await last.execute(call('counter'), recorder(), never);
    expect(outcome).toMatchObject({ status: 'completed', value: { kind: 'json', value: '1' }, rebuilt: true });
    // Moves go two at a time: most of the instances queued before it have not moved yet.
    expect(onVictim.length).toBeGreaterThan(10);
    expect(onVictim.filter((i) => i.pid === victim).length).toBeGreaterThan(0);
    for (const i of all) i.dispose();
  });

  it('serves Wasm through the same workers', async () => {
    const bytes = new Uint8Array(fs.readFileSync(new URL('../../../fixtures/wasm/add.wasm', import.meta.url)));
    const instance: Instance = await wasmRuntime.createInstance({ taskId: 'w', digest: createHash('sha256').update(bytes).digest('hex'), code: bytes, limits: { memoryLimitMb: 64 } });
    try {
      const outcome = await instance.execute({ ...call('add'), paramList: [40, 2] }, recorder(), never);
      expect(outcome.status).toBe('completed');
      expect(outcome.value).toEqual({ kind: 'number', value: 42 });
    } finally {
      instance.dispose();
    }
  });
});
