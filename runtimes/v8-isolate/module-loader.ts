/**
 * Loads a task's ES module into a blank Sandbox: compile (with the V8 code cache), refuse imports,
 * instantiate, evaluate the top level under a time limit, and hand the namespace to the prelude,
 * which keeps it and describes the callable exports.
 */
import type ivm from 'isolated-vm';
import type { ArtifactAnalysis, ExportInfo } from '../../src/core/runtime/runtime.js';
import { compileError, exportsNotDescribed, importRefused, notUtf8, topLevelError, topLevelUnsettled } from './artifact-errors.js';
import type { CodeCache } from './code-cache.js';
import type { Sandbox } from './sandbox.js';

/** Default time the top-level code of a module may run (analysis and instance creation). */
export const TOP_LEVEL_TIMEOUT_MS = 5_000;

const TASK_SPECIFIER = 'task.js';
/**
 * The loader module's body runs only after the task module (including any top-level await) has
 * finished, so `loaded` is initialised exactly when evaluation completed. It also re-exports the
 * task's namespace: isolated-vm exposes a namespace only for the module `evaluate` was called on.
 */
const LOADER_SOURCE = `import * as ns from ${JSON.stringify(TASK_SPECIFIER)};\nexport { ns };\nexport const loaded = true;\n`;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Sources up to this many characters compile on the calling thread: that takes well under a
 * millisecond and saves two thread hops; larger ones compile on isolated-vm's thread so they do not
 * hold up the other calls of this process.
 */
const SYNC_COMPILE_MAX_CHARS = 64 * 1024;

/** Time describing a module's exports may take (guest code runs there only in Proxy traps). */
const DESCRIBE_TIMEOUT_MS = 50;

/**
 * Top-level code gets this long on the calling thread (`evaluateSync`, two thread hops fewer than
 * isolated-vm's thread: about 0.2 ms of a cold start). Nearly every module is done in well under
 * a millisecond; one that is not is stopped and loaded again (TopLevelTooSlow), so the calling
 * thread is never held for longer than this.
 */
export const SYNC_TOP_LEVEL_MS = 5;

/**
 * Top-level code did not finish within SYNC_TOP_LEVEL_MS on the calling thread: load the module
 * again in a fresh sandbox without `syncTopLevelMs`. Top-level code has no effect outside its
 * isolate (it cannot reach the host, and its log lines go nowhere), so running it again from the
 * start is invisible except for the time.
 */
export class TopLevelTooSlow extends Error {
  constructor() {
    super(`top-level code ran longer than ${SYNC_TOP_LEVEL_MS} ms on the calling thread`);
  }
}

/** The loader module, compiled ahead of time in each blank sandbox (it does not depend on the task). */
export function compileLoader(isolate: ivm.Isolate): ivm.Module {
  return isolate.compileModuleSync(LOADER_SOURCE, { filename: 'spearlet:loader' });
}

/** Decodes artifact bytes (a leading BOM is dropped). */
export function decodeSource(code: Uint8Array): string {
  try {
    return utf8.decode(code);
  } catch (err) {
    throw notUtf8(err);
  }
}

export interface LoadedModule extends ArtifactAnalysis {
  /** Heap used + external bytes after evaluation. */
  memoryUsedBytes: number;
}

/**
 * Compiles, instantiates and evaluates `source` in the sandbox. Throws SpearletError
 * INVALID_ARTIFACT for syntax errors, imports, and top-level code that throws, times out, runs out
 * of memory or does not settle. The caller disposes the sandbox on failure.
 */
export async function loadModule(
  sandbox: Sandbox,
  source: string,
  options: { cache?: { codeCache: CodeCache; digest: string }; timeoutMs?: number; syncTopLevelMs?: number } = {},
): Promise<LoadedModule> {
  const { isolate } = sandbox;
  const { cache, timeoutMs = TOP_LEVEL_TIMEOUT_MS, syncTopLevelMs } = options;
  const limits = () => ({ disposed: sandbox.isDisposed, timeoutMs, memoryLimitMb: sandbox.memoryLimitMb });
  const cached = cache?.codeCache.get(cache.digest);
  const compileOptions = {
    filename: TASK_SPECIFIER,
    ...(cached !== undefined ? { cachedData: cached } : { produceCachedData: cache !== undefined && cache.codeCache.wantsData(cache.digest) }),
  };
  let module: ivm.Module;
  try {
    module =
      source.length <= SYNC_COMPILE_MAX_CHARS ? isolate.compileModuleSync(source, compileOptions) : await isolate.compileModule(source, compileOptions);
  } catch (err) {
    throw compileError(err);
  }
  const compiled = module as ivm.Module & ivm.CachedDataResult & { cachedDataRejected?: boolean };
  if (cache !== undefined) {
    if (cached !== undefined && compiled.cachedDataRejected === true) cache.codeCache.delete(cache.digest);
    else if (cached === undefined && compiled.cachedData !== undefined) cache.codeCache.set(cache.digest, compiled.cachedData);
  }
  // The loader runs no guest code until `evaluate`: sync calls save thread hops.
  const loader = sandbox.takeLoader();
  try {
    const specifiers = module.dependencySpecifiers;
    if (specifiers.length > 0) throw importRefused(specifiers[0]);
    loader.instantiateSync(sandbox.context, (specifier) => {
      if (specifier === TASK_SPECIFIER) return module;
      throw importRefused(specifier);
    });
    const sync = syncTopLevelMs !== undefined && syncTopLevelMs < timeoutMs;
    try {
      if (sync) loader.evaluateSync({ timeout: syncTopLevelMs });
      else await loader.evaluate({ timeout: timeoutMs });
    } catch (err) {
      if (sync && !sandbox.isDisposed && /Script execution timed out/.test(err instanceof Error ? err.message : String(err))) throw new TopLevelTooSlow();
      throw topLevelError(err, limits());
    }
    const exported = loader.namespace;
    let namespace: ivm.Reference<unknown>;
    try {
      exported.getSync('loaded');
      namespace = exported.getSync('ns', { reference: true }) as ivm.Reference<unknown>;
    } catch {
      throw topLevelUnsettled();
    } finally {
      exported.release();
    }
    let described: { exports: ExportInfo[]; memory: number };
    try {
      // On this thread: listing the exports takes microseconds (a thread hop took longer), and
      // the guest code that can run here (an exported Proxy's traps) is held to a short limit.
      described = sandbox.prelude.load.applySync(undefined, [namespace.derefInto()], {
        result: { copy: true },
        timeout: DESCRIBE_TIMEOUT_MS,
      }) as { exports: ExportInfo[]; memory: number };
    } catch (err) {
      throw exportsNotDescribed(err, { ...limits(), timeoutMs: DESCRIBE_TIMEOUT_MS });
    } finally {
      namespace.release();
    }
    return { exports: described.exports, defaultExport: defaultExportOf(described.exports), memoryUsedBytes: Math.max(0, described.memory) };
  } finally {
    loader.release();
    module.release();
  }
}

/** `default` when it is a function, else `handler` when exported. */
export function defaultExportOf(exports: readonly ExportInfo[]): string | undefined {
  if (exports.some((e) => e.name === 'default')) return 'default';
  if (exports.some((e) => e.name === 'handler')) return 'handler';
  return undefined;
}
