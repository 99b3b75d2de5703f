/**
 * Shared helpers for the WebAssembly runtime tests: fixtures from fixtures/wasm, instances of them,
 * and a `run` that records logs and chunks the way the execution manager would.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Instance, Outcome } from '../../../../src/core/runtime/runtime.js';
import type { EncodedValue } from '../../../../src/core/values/values.js';
import { WasmRuntime } from '../../../../runtimes/wasm/wasm-runtime.js';
import { run } from '../run-call.js';

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

export { type RunOptions, type RunResult, invocation, run } from '../run-call.js';

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
