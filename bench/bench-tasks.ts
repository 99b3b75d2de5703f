/**
 * The benchmark's tasks, registered through gRPC on a fresh server: the JS task (`add`,
 * `fibonacci`) and, when fixtures/wasm/add.wasm is built, the Wasm `add` task. Shared by the
 * in-process servers (spearlet.ts) and the server processes (spearlet-child.ts), which load the
 * client from different builds, hence the structural type.
 */
import * as fs from 'node:fs/promises';
import { JS_TASK_SOURCE, WASM_ADD_PATH } from './guests.js';

/** Per-task limits of the benchmark's tasks: room for every concurrent call of the c=32 runs. */
export const TASK_METADATA = { max_instances: '32', max_concurrency: '32' };

interface Registrar {
  invoke(request: object): Promise<{ taskId: string; message: string }>;
}

export interface BenchTasks {
  jsTaskId: string;
  /** Undefined when fixtures/wasm/add.wasm is missing. */
  wasmTaskId: string | undefined;
}

const dataUri = (bytes: Uint8Array | string, type: string) => `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;

export async function registerBenchTasks(client: Registrar): Promise<BenchTasks> {
  const js = await client.invoke({
    taskName: 'bench-js',
    artifactSpec: { artifactType: 'javascript', location: dataUri(JS_TASK_SOURCE, 'text/javascript'), metadata: TASK_METADATA },
    functionName: 'add',
    parameters: [],
  });
  if (!js.taskId) throw new Error(`could not register the JS task: ${js.message}`);
  const wasm = await fs.readFile(WASM_ADD_PATH).catch(() => undefined);
  if (!wasm) return { jsTaskId: js.taskId, wasmTaskId: undefined };
  const res = await client.invoke({
    taskName: 'bench-wasm',
    artifactSpec: { artifactType: 'wasm', location: dataUri(wasm, 'application/wasm'), metadata: TASK_METADATA },
    functionName: 'noop',
  });
  if (!res.taskId) throw new Error(`could not register the Wasm task: ${res.message}`);
  return { jsTaskId: js.taskId, wasmTaskId: res.taskId };
}
