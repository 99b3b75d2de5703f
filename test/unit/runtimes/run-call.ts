/**
 * Calling an Instance directly in runtime unit tests: one Invocation builder and one `run` that
 * collects what the instance reports, shared by every runtime's tests.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach } from 'vitest';
import type { ArtifactAnalysis, Instance, InstanceLimits, Invocation, Outcome, Runtime } from '../../../src/core/runtime/runtime.js';
import type { EncodedValue, ParamValue } from '../../../src/core/values/values.js';

export interface RunOptions {
  /** Positional parameters (Wasm exports), also the named params as p0, p1, ... */
  args?: ParamValue[];
  /** Named parameters; paramList is their values. */
  params?: Record<string, ParamValue>;
  timeoutMs?: number;
  streaming?: boolean;
  signal?: AbortSignal;
  env?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface RunResult {
  outcome: Outcome;
  logs: string[];
  chunks: EncodedValue[];
  /** Logs and chunks in the order they came: `log:<line>`, `chunk:<value or kind>`. */
  events: string[];
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
    headers: options.headers ?? {},
    sessionId: 'session-1',
    userId: 'user-1',
    deadline: Date.now() + (options.timeoutMs ?? 2_000),
    streaming: options.streaming ?? false,
  };
}

export async function run(instance: Instance, functionName: string, options: RunOptions = {}): Promise<RunResult> {
  const logs: string[] = [];
  const chunks: EncodedValue[] = [];
  const events: string[] = [];
  const outcome = await instance.execute(
    invocation(functionName, options),
    {
      onLog: (line) => {
        logs.push(line);
        events.push(`log:${line}`);
      },
      onChunk: (chunk, delivered) => {
        delivered();
        chunks.push(chunk);
        events.push(`chunk:${chunk.kind === 'string' || chunk.kind === 'json' ? chunk.value : chunk.kind}`);
      },
    },
    options.signal ?? new AbortController().signal,
  );
  return { outcome, logs, chunks, events };
}

/** A runtime's analysis of an artifact, as task creation gets it from `prepare`; the instance is disposed. */
export async function analyze(runtime: Runtime, code: Uint8Array, limits: InstanceLimits): Promise<ArtifactAnalysis> {
  const digest = createHash('sha256').update(code).digest('hex');
  const { analysis, instance } = await runtime.prepare({ taskId: 'task-analysed', digest, code, limits });
  instance.dispose();
  return analysis;
}

/**
 * For files of hostile cases: wraps `make` so that the instances it builds are disposed after
 * each test, after which `stillWorks` must pass (a fresh instance of the runtime works); the
 * runtime is closed after the file.
 */
export function disposedAfterEach<A extends unknown[]>(
  runtime: Runtime,
  make: (...args: A) => Promise<Instance>,
  stillWorks: () => Promise<void>,
): (...args: A) => Promise<Instance> {
  const instances: Instance[] = [];
  afterEach(async () => {
    for (const instance of instances.splice(0)) instance.dispose();
    await stillWorks();
  });
  afterAll(() => runtime.close?.());
  return async (...args) => {
    const instance = await make(...args);
    instances.push(instance);
    return instance;
  };
}
