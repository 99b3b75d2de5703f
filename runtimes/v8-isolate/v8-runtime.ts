/**
 * The V8 isolate runtime: JavaScript artifacts (one ES module, no imports) run in isolated-vm
 * isolates, one isolate per instance, with a memory limit per instance and a deadline per call.
 */
import { randomBytes } from 'node:crypto';
import type { ArtifactAnalysis, Instance, InstanceSpec, PreparedTask, Runtime } from '../../src/core/runtime/runtime.js';
import { toSpearletError } from '../../src/errors.js';
import { BlankIsolates } from './blank-isolates.js';
import { CodeCache } from './code-cache.js';
import { descriptor } from './descriptor.js';
import { SYNC_TOP_LEVEL_MS, TopLevelTooSlow, decodeSource, loadModule } from './module-loader.js';
import { Sandbox, type SandboxOptions } from './sandbox.js';
import type { SyncEntryGate } from './sync-entry.js';
import { V8Instance } from './v8-instance.js';

export interface V8RuntimeOptions {
  /** Blank isolates kept ready per memory limit. */
  prewarmIsolates: number;
  /** The memory limit most instances use; the blank pool is warmed for it at start. */
  defaultMemoryLimitMb: number;
  /** Log lines per call worth sending to the host (the rest are dropped inside the isolate). */
  maxLogLinesPerExecution: number;
  /** Log line length worth sending to the host. */
  maxLogLineBytes: number;
  /** Flow control of streamed chunks (Config.streamWindowChunks / streamWindowBytes). */
  streamWindowChunks: number;
  streamWindowBytes: number;
  /** Time a module's top-level code may run (default 5 s); past it the artifact is invalid. */
  topLevelTimeoutMs?: number;
  /**
   * Told when isolated-vm reports a catastrophic error (V8 lost control of an isolate, e.g. an
   * out-of-memory it could not contain). The isolate's memory and thread are lost for good; the
   * process should be recycled soon.
   */
  onCatastrophicError?: (message: string) => void;
  /** Told when a background task (refilling blank isolates) fails. */
  onBackgroundError?: (err: unknown) => void;
  /** Lets warm calls run on this thread (sync-entry.ts); a sandbox worker offers it, the server never. */
  syncEntry?: SyncEntryGate;
}

export class V8Runtime implements Runtime {
  readonly name = descriptor.name;
  readonly artifactTypes = descriptor.artifactTypes;
  private readonly codeCache = new CodeCache();
  private readonly blanks: BlankIsolates;
  private readonly live = new Set<V8Instance>();
  private readonly idPrefix = `v8-${randomBytes(3).toString('hex')}-`;
  private nextId = 1;
  private catastrophes = 0;

  constructor(private readonly options: V8RuntimeOptions) {
    this.blanks = new BlankIsolates(options.prewarmIsolates, (mb) => this.newSandbox(mb), options.onBackgroundError);
    this.blanks.warm(options.defaultMemoryLimitMb);
  }

  /** Catastrophic isolate failures seen so far (see V8RuntimeOptions.onCatastrophicError). */
  get catastrophicErrors(): number {
    return this.catastrophes;
  }

  /** Instances created and not yet disposed. */
  get liveInstances(): number {
    return this.live.size;
  }

  /** Artifacts with V8 code cache data kept. */
  get cachedArtifacts(): number {
    return this.codeCache.size;
  }

  /** Blank isolates ready to become instances. */
  get spareIsolates(): number {
    return this.blanks.spareCount;
  }

  /**
   * Loads the module once: the load that validates it and lists its exports is the first instance.
   * Its top-level code runs on this thread if it is quick, else again on isolated-vm's thread.
   */
  async prepare(spec: InstanceSpec): Promise<PreparedTask> {
    const source = decodeSource(spec.code);
    try {
      return await this.load(spec, source, SYNC_TOP_LEVEL_MS);
    } catch (err) {
      if (!(err instanceof TopLevelTooSlow)) throw err;
      return this.load(spec, source, undefined);
    }
  }

  private async load(spec: InstanceSpec, source: string, syncTopLevelMs: number | undefined): Promise<PreparedTask> {
    const sandbox = await this.sandboxFor(spec.limits.memoryLimitMb);
    try {
      const loaded = await loadModule(sandbox, source, {
        cache: { codeCache: this.codeCache, digest: spec.digest },
        timeoutMs: this.options.topLevelTimeoutMs,
        syncTopLevelMs,
      });
      const instance = new V8Instance({
        id: `${this.idPrefix}${this.nextId++}`,
        taskId: spec.taskId,
        sandbox,
        exports: new Map(loaded.exports.map((e) => [e.name, e.kind === 'generator' ? 'generator' : 'function'])),
        defaultExport: loaded.defaultExport,
        memoryUsedBytes: loaded.memoryUsedBytes,
        onDispose: (i) => this.live.delete(i),
        syncEntry: this.options.syncEntry,
      });
      this.live.add(instance);
      const analysis: ArtifactAnalysis = { exports: loaded.exports };
      if (loaded.defaultExport !== undefined) analysis.defaultExport = loaded.defaultExport;
      return { analysis, instance };
    } catch (err) {
      sandbox.dispose();
      throw err instanceof TopLevelTooSlow ? err : toSpearletError(err);
    }
  }

  async createInstance(spec: InstanceSpec): Promise<Instance> {
    return (await this.prepare(spec)).instance;
  }

  evict(digest: string): void {
    this.codeCache.delete(digest);
  }

  async close(): Promise<void> {
    this.blanks.close();
    for (const instance of [...this.live]) instance.dispose();
    this.codeCache.clear();
  }

  private async sandboxFor(memoryLimitMb: number): Promise<Sandbox> {
    return this.blanks.take(memoryLimitMb) ?? (await this.newSandbox(memoryLimitMb));
  }

  private async newSandbox(memoryLimitMb: number): Promise<Sandbox> {
    const options: SandboxOptions = {
      memoryLimitMb,
      maxLogLines: this.options.maxLogLinesPerExecution,
      maxLogLineChars: this.options.maxLogLineBytes,
      streamWindowChunks: this.options.streamWindowChunks,
      streamWindowBytes: this.options.streamWindowBytes,
    };
    const sandbox = await Sandbox.create(options);
    sandbox.onCatastrophe = (message) => {
      this.catastrophes++;
      this.options.onCatastrophicError?.(message);
    };
    return sandbox;
  }
}
