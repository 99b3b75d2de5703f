/**
 * Shared helpers for the V8 isolate runtime tests: a runtime, instances from inline sources, and a
 * `run` that records logs and chunks the way the execution manager would.
 */
import { createHash } from 'node:crypto';
import type { Instance, Outcome } from '../../../../src/core/runtime/runtime.js';
import { afterAll, beforeAll } from 'vitest';
import { V8Runtime, type V8RuntimeOptions } from '../../../../runtimes/v8-isolate/v8-runtime.js';
import { DEFAULTS } from '../../../../src/config.js';
import { run } from '../run-call.js';

export const MB = 64;

export function newRuntime(options: Partial<V8RuntimeOptions> = {}): V8Runtime {
  return new V8Runtime({
    prewarmIsolates: 1,
    defaultMemoryLimitMb: MB,
    maxLogLinesPerExecution: 50,
    maxLogLineBytes: 200,
    streamWindowChunks: DEFAULTS.streamWindowChunks,
    streamWindowBytes: DEFAULTS.streamWindowBytes,
    ...options,
  });
}

export function bytesOf(source: string): Uint8Array {
  return new TextEncoder().encode(source);
}

export async function instanceOf(runtime: V8Runtime, source: string, memoryLimitMb = MB): Promise<Instance> {
  const code = bytesOf(source);
  const digest = createHash('sha256').update(code).digest('hex');
  return runtime.createInstance({ taskId: 'task-1', digest, code, limits: { memoryLimitMb } });
}

export { type RunOptions, type RunResult, invocation, run } from '../run-call.js';

/** The JSON value of a completed json outcome. */
export function jsonOf(outcome: Outcome): unknown {
  if (outcome.status !== 'completed' || outcome.value?.kind !== 'json') {
    throw new Error(`expected a completed json outcome, got ${JSON.stringify(outcome)}`);
  }
  return JSON.parse(outcome.value.value);
}

/** Runs a fresh instance of a trivial module: the runtime still works after something hostile. */
export async function expectFreshInstanceWorks(runtime: V8Runtime): Promise<void> {
  const instance = await instanceOf(runtime, 'export default (p) => ({ ok: true, echo: p.v });');
  try {
    const { outcome } = await run(instance, '', { params: { v: 7 } });
    if (outcome.status !== 'completed') throw new Error(`fresh instance failed: ${JSON.stringify(outcome)}`);
    const value = jsonOf(outcome) as { ok: boolean; echo: number };
    if (!value.ok || value.echo !== 7) throw new Error(`fresh instance answered ${JSON.stringify(value)}`);
  } finally {
    instance.dispose();
  }
}

/** One runtime and one warm instance of `source` for a whole test file, disposed after it. */
export function sharedInstance(source: string, options: Partial<V8RuntimeOptions> = {}): { runtime: V8Runtime; readonly instance: Instance } {
  const runtime = newRuntime(options);
  let instance: Instance | undefined;
  beforeAll(async () => {
    instance = await instanceOf(runtime, source);
  });
  afterAll(async () => {
    instance?.dispose();
    await runtime.close();
  });
  return {
    runtime,
    get instance(): Instance {
      if (!instance) throw new Error('the shared instance is used before beforeAll ran');
      return instance;
    },
  };
}
