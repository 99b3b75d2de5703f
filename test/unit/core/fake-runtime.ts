/**
 * A Runtime for pool and runner tests: instances answer with scripted outcomes, report a chosen
 * memory figure and record their disposal. No sandbox, no timing.
 */
import { resolveConfig, type ConfigInput } from '../../../src/config.js';
import { RuntimeManager } from '../../../src/core/runtime/runtime-manager.js';
import type { ExecutionHooks, Instance, InstanceSpec, Invocation, Outcome, Runtime } from '../../../src/core/runtime/runtime.js';
import type { TaskLimits, TaskRecord } from '../../../src/store/records.js';

export const ok = (over: Partial<Outcome> = {}): Outcome => ({ status: 'completed', value: { kind: 'json', value: '1' }, cpuTimeUs: 10, memoryUsedBytes: 1024, instanceUsable: true, ...over });

export class FakeInstance implements Instance {
  disposed = false;
  calls = 0;
  /** Outcomes returned by the next calls, in order; `ok()` when empty. */
  readonly script: Outcome[] = [];

  constructor(
    readonly id: string,
    readonly taskId: string,
    public memory: number,
  ) {}

  async execute(_call: Invocation, _hooks: ExecutionHooks, _signal: AbortSignal): Promise<Outcome> {
    this.calls++;
    const outcome = this.script.shift() ?? ok({ memoryUsedBytes: this.memory });
    return outcome;
  }

  memoryUsedBytes(): number {
    return this.memory;
  }

  dispose(): void {
    this.disposed = true;
  }
}

export class FakeRuntime implements Runtime {
  readonly name = 'fake';
  readonly artifactTypes = ['fake'];
  readonly instances: FakeInstance[] = [];
  /** Memory each new instance reports, by task id (default 1 MiB). */
  readonly memoryOf = new Map<string, number>();
  /** When set, createInstance waits for this promise (to hold creations in flight). */
  gate: Promise<void> | undefined;
  /** Creations that throw, in order (undefined = succeed). */
  readonly failures: Array<Error | undefined> = [];

  async prepare(spec: InstanceSpec) {
    return { analysis: { exports: [{ name: 'default', kind: 'function' as const }], defaultExport: 'default' }, instance: await this.createInstance(spec) };
  }

  async createInstance(spec: InstanceSpec): Promise<FakeInstance> {
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    const instance = new FakeInstance(`i${this.instances.length + 1}`, spec.taskId, this.memoryOf.get(spec.taskId) ?? 1024 * 1024);
    this.instances.push(instance);
    return instance;
  }

  /** Instances not disposed. */
  get alive(): FakeInstance[] {
    return this.instances.filter((i) => !i.disposed);
  }
}

export function fakeSetup(config: ConfigInput = {}) {
  const runtime = new FakeRuntime();
  const manager = new RuntimeManager();
  manager.register(runtime);
  return { runtime, manager, config: resolveConfig({ logLevel: 'silent', ...config }) };
}

export function task(taskId: string, limits: Partial<TaskLimits> = {}): TaskRecord {
  return {
    taskId,
    name: taskId,
    description: '',
    artifact: { artifactId: '', artifactType: 'fake', location: '', version: '', checksum: '', metadata: {} },
    runtime: 'fake',
    digest: `digest-${taskId}`,
    sizeBytes: 1,
    exports: [{ name: 'default', kind: 'function' }],
    defaultExport: 'default',
    limits: { memoryLimitMb: 64, timeoutMs: 1000, minInstances: 0, maxInstances: 4, maxConcurrency: 4, ...limits },
    createdAt: 0,
    updatedAt: 0,
    executionCount: 0,
  };
}

/** Resolves when `check` holds, polling each event-loop turn (no wall-clock assertions). */
export async function until(check: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}
