/**
 * The WebAssembly runtime plug-in: `setup()` registers it for artifact types `wasm` and
 * `webassembly`. Modules run in V8 isolates (isolated-vm); see wasm-runtime.ts.
 */
import type { Config } from '../../src/config.js';
import type { RuntimeManager } from '../../src/core/runtime/runtime-manager.js';
import { WasmRuntime } from './wasm-runtime.js';

export { WasmRuntime } from './wasm-runtime.js';
export { descriptor } from './descriptor.js';

/** Registers the `wasm` runtime; called once by the start-up module (src/runtimes.ts). */
export function setup(manager: RuntimeManager, config: Config): void {
  manager.register(
    new WasmRuntime({
      // One line over the cap lets the execution manager see the cut and mark it.
      maxLogLines: config.maxLogLinesPerExecution + 1,
      maxLogLineBytes: config.maxLogLineBytes,
    }),
  );
}
