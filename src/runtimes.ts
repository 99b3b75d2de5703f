/**
 * The one start-up module that registers every runtime. Adding a runtime is adding its descriptor
 * and its setup here.
 *
 * With `isolation: 'process'` (the default) the server registers proxies under each runtime's
 * names, backed by one Supervisor of sandbox worker processes; the runtimes themselves (and
 * isolated-vm) are loaded only inside those workers, which call `registerInProcessRuntimes`. With
 * `isolation: 'in-process'` guest code runs in the server process itself.
 */
import type { Config } from './config.js';
import { RuntimeManager } from './core/runtime/runtime-manager.js';
import { compiledArtifactTypes } from './core/tasks/source-compilers.js';
import { type Logger, silentLogger } from './logger.js';
import { descriptor as v8Descriptor } from '../runtimes/v8-isolate/descriptor.js';
import type { SyncEntryGate } from '../runtimes/v8-isolate/sync-entry.js';
import { descriptor as wasmDescriptor } from '../runtimes/wasm/descriptor.js';
import { RemoteRuntime } from './sandbox/remote-runtime.js';
import { Supervisor } from './sandbox/supervisor.js';
import { prepareOsSandbox } from './sandbox/os/os-sandbox.js';
import { workerTestHook } from './sandbox/os/test-hook.js';

/** Hooks a sandbox worker passes to the runtimes it hosts. */
export interface InProcessHooks {
  /** isolated-vm lost control of an isolate (see V8RuntimeOptions.onCatastrophicError). */
  onCatastrophicError?: (message: string) => void;
  /** Warm calls may run on the worker's own thread (runtimes/v8-isolate/sync-entry.ts). */
  syncEntry?: SyncEntryGate;
}

/** A RuntimeManager serving every runtime, in this process or in sandbox workers per `config.isolation`. */
export async function createRuntimeManager(config: Config, log: Logger = silentLogger()): Promise<RuntimeManager> {
  const manager = new RuntimeManager();
  if (config.isolation === 'process') {
    const hook = workerTestHook();
    const supervisor = new Supervisor(config, log, prepareOsSandbox(config, log, hook === undefined ? [] : [hook]));
    for (const d of [v8Descriptor, wasmDescriptor]) manager.register(new RemoteRuntime(d, supervisor));
  } else {
    await registerInProcessRuntimes(manager, config);
  }
  for (const [type, target] of compiledArtifactTypes()) manager.alias([type], target);
  return manager;
}

/** Registers the real runtimes in this process (the server with in-process isolation, or a sandbox worker). */
export async function registerInProcessRuntimes(manager: RuntimeManager, config: Config, hooks: InProcessHooks = {}): Promise<void> {
  const [v8, wasm] = await Promise.all([import('../runtimes/v8-isolate/index.js'), import('../runtimes/wasm/index.js')]);
  const { onCatastrophicError, syncEntry } = hooks;
  v8.setup(manager, config, { ...(onCatastrophicError && { onCatastrophicError }), ...(syncEntry && { syncEntry }) });
  wasm.setup(manager, config);
}
