/**
 * The WebAssembly runtime: validates modules, compiles each task's module once (per digest and
 * memory limit) in the host, and builds instances that each get the compiled module transferred
 * into their own isolate.
 */
import ivm from 'isolated-vm';
import type { ArtifactAnalysis, Instance, InstanceSpec, PreparedTask, Runtime } from '../../src/core/runtime/runtime.js';
import { descriptor } from './descriptor.js';
import { compileModule, inspectModule, limitPages } from './module-info.js';
import { withMemoryMaximum } from './wasm-binary.js';
import { WasmInstance, type CompiledModule, type WasmInstanceOptions } from './wasm-instance.js';

/**
 * Registered by `setup()`. Linear memory is capped by rewriting the module's memory maximum to the
 * instance limit before compiling, so the cap is part of the compiled module every instance gets.
 */
export class WasmRuntime implements Runtime {
  readonly name = descriptor.name;
  readonly artifactTypes = descriptor.artifactTypes;
  /** Compiled modules by `digest:maxPages`; a promise so concurrent instance builds share one compile. */
  private readonly cache = new Map<string, Promise<CompiledModule>>();

  constructor(private readonly options: WasmInstanceOptions) {}

  /**
   * Validates the module as written while the first instance is built from the capped compile
   * (the two overlap); the instance is disposed when the module is refused.
   */
  async prepare(spec: InstanceSpec): Promise<PreparedTask> {
    const [validated, built] = await Promise.allSettled([this.validate(spec), this.createInstance(spec)]);
    if (validated.status === 'rejected') {
      if (built.status === 'fulfilled') built.value.dispose();
      throw validated.reason;
    }
    if (built.status === 'rejected') throw built.reason;
    return { analysis: validated.value, instance: built.value };
  }

  private async validate(spec: InstanceSpec): Promise<ArtifactAnalysis> {
    await compileModule(spec.code);
    return inspectModule(spec.code, spec.limits).analysis;
  }

  async createInstance(spec: InstanceSpec): Promise<Instance> {
    return WasmInstance.create(spec, await this.compiled(spec), this.options);
  }

  evict(digest: string): void {
    for (const [key, entry] of this.cache) {
      if (!key.startsWith(`${digest}:`)) continue;
      this.cache.delete(key);
      entry.then((compiled) => compiled.copy.release(), () => undefined);
    }
  }

  async close(): Promise<void> {
    const entries = [...this.cache.values()];
    this.cache.clear();
    await Promise.allSettled(entries.map(async (entry) => (await entry).copy.release()));
  }

  /**
   * The task's module with its memory maximum capped at the instance limit, compiled once. Only
   * the instances share it: each gets its own linear memory when it instantiates.
   */
  private compiled(spec: InstanceSpec): Promise<CompiledModule> {
    const maxPages = limitPages(spec.limits);
    const key = `${spec.digest}:${maxPages}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = (async () => {
        const info = inspectModule(spec.code, spec.limits);
        const module = await compileModule(withMemoryMaximum(spec.code, info.layout, maxPages));
        return { info, copy: new ivm.ExternalCopy(module) };
      })();
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }
}
