/**
 * The benchmark's task module (JS_TASK_SOURCE) loaded into a fresh isolate with isolated-vm alone,
 * nothing of spearlet in between: what the raw isolated-vm peer and the floors call.
 */
import ivm from 'isolated-vm';
import { JS_TASK_SOURCE } from './guests.js';

export type TaskExport = ivm.Reference<(params: unknown) => number>;

export interface RawTaskModule {
  readonly isolate: ivm.Isolate;
  /** A reference to one of the module's exports (`add`, `fibonacci`). */
  exported(name: string): Promise<TaskExport>;
}

export async function rawTaskModule(): Promise<RawTaskModule> {
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  const context = await isolate.createContext();
  const module = await isolate.compileModule(JS_TASK_SOURCE);
  await module.instantiate(context, (specifier) => {
    throw new Error(`the benchmark task imports nothing, not ${specifier}`);
  });
  await module.evaluate();
  return { isolate, exported: async (name) => (await module.namespace.get(name, { reference: true })) as TaskExport };
}
