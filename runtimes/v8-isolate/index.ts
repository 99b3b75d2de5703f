/**
 * The V8 isolate runtime plug-in: `setup()` registers it with the RuntimeManager for the artifact
 * types javascript, js, v8 and isolate.
 */
import type { Config } from '../../src/config.js';
import type { RuntimeManager } from '../../src/core/runtime/runtime-manager.js';
import { V8Runtime, type V8RuntimeOptions } from './v8-runtime.js';

export { V8Runtime } from './v8-runtime.js';
export { descriptor } from './descriptor.js';
export type { V8RuntimeOptions } from './v8-runtime.js';

/** Registers the V8 isolate runtime; returns it so the caller can read its counters. */
export function setup(
  manager: RuntimeManager,
  config: Config,
  hooks: Pick<V8RuntimeOptions, 'onCatastrophicError' | 'onBackgroundError' | 'syncEntry'> = {},
): V8Runtime {
  const runtime = new V8Runtime({
    prewarmIsolates: config.prewarmIsolates,
    defaultMemoryLimitMb: config.defaultMemoryLimitMb,
    maxLogLinesPerExecution: config.maxLogLinesPerExecution,
    maxLogLineBytes: config.maxLogLineBytes,
    streamWindowChunks: config.streamWindowChunks,
    streamWindowBytes: config.streamWindowBytes,
    ...hooks,
  });
  manager.register(runtime);
  return runtime;
}
