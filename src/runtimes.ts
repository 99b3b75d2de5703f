/**
 * The one start-up module that registers every runtime. Adding a runtime is adding its setup here.
 */
import type { Config } from './config.js';
import { RuntimeManager } from './core/runtime-manager.js';
import { setup as setupV8 } from '../runtimes/v8-isolate/index.js';
import { setup as setupWasm } from '../runtimes/wasm/index.js';

/** A RuntimeManager with every in-process runtime registered. */
export function createRuntimeManager(config: Config): RuntimeManager {
  const manager = new RuntimeManager();
  setupV8(manager, config);
  setupWasm(manager, config);
  return manager;
}
