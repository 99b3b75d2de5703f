/**
 * Shared helpers for the WebAssembly runtime tests: fixtures from fixtures/wasm, instances of them,
 * and a `run` that records logs and chunks the way the execution manager would.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Instance, Invocation, Outcome } from '../../../../src/core/runtime.js';
import type { EncodedValue, ParamValue } from '../../../../src/core/values.js';
import { WasmRuntime } from '../../../../runtimes/wasm/wasm-runtime.js';

export const MB = 64;

export function newRuntime(): WasmRuntime {
  return new WasmRuntime({ maxLogLines: 50, maxLogLineBytes: 200 });
}

const FIXTURES = new URL('../../../../fixtures/wasm/', import.meta.url);

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

export async function instanceOf(runtime: WasmRuntime, name: string, memoryLimitMb = MB): Promise<Instance> {
  const code = fixture(name);
  const digest = createHash('sha256').update(code).digest('hex');
  return runtime.createInstance({ taskId: 'task-1', digest, code, limits: { memoryLimitMb } });
}

export interface RunOptions {
  /** Positional parameters (Wasm exports), also the named params as p0, p1, ... */
  args?: ParamValue[];
  /** Named parameters (WASI stdin JSON); paramList is their values. */
  params?: Record<string, ParamValue>;
  timeoutMs?: number;
  streaming?: boolean;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

export interface RunResult {
  outcome: Outcome;
  logs: string[];
  chunks: EncodedValue[];
}

let executions = 0;

export function invocation(functionName: string, options: RunOptions = {}): Invocation {
  const params = options.params ?? Object.fromEntries((options.args ?? []).map((v, i) => [`p${i}`, v]));
  return {
    executionId: `exec-${++executions}`,
    taskId: 'task-1',
    functionName,
    params,
    paramList: Object.values(params),
    env: options.env ?? {},
    headers: {},
    sessionId: 'session-1',
    userId: 'user-1',
    deadline: Date.now() + (options.timeoutMs ?? 2_000),
    streaming: options.streaming ?? false,
  };
}

export async function run(instance: Instance, functionName: string, options: RunOptions = {}): Promise<RunResult> {
  const logs: string[] = [];
  const chunks: EncodedValue[] = [];
  const outcome = await instance.execute(
    invocation(functionName, options),
    { onLog: (line) => logs.push(line), onChunk: (chunk) => chunks.push(chunk) },
    options.signal ?? new AbortController().signal,
  );
  return { outcome, logs, chunks };
}

/** The value of a completed outcome. */
export function valueOf(outcome: Outcome): EncodedValue {
  if (outcome.status !== 'completed' || outcome.value === undefined) {
    throw new Error(`expected a completed outcome, got ${JSON.stringify(outcome, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
  return outcome.value;
}

/** stdout of a completed WASI command, as text. */
export function stdoutOf(outcome: Outcome): string {
  const value = valueOf(outcome);
  if (value.kind !== 'bytes') throw new Error(`expected bytes, got ${value.kind}`);
  return Buffer.from(value.value).toString('utf8');
}

/** Runs a fresh instance of add.wasm: the runtime still works after something hostile. */
export async function expectFreshInstanceWorks(runtime: WasmRuntime): Promise<void> {
  const instance = await instanceOf(runtime, 'add.wasm');
  try {
    const { outcome } = await run(instance, 'add', { args: [40, 2] });
    const value = valueOf(outcome);
    if (value.kind !== 'number' || value.value !== 42) throw new Error(`fresh instance answered ${JSON.stringify(value)}`);
  } finally {
    instance.dispose();
  }
}
