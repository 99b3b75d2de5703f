/**
 * Spearlet servers for the benchmark: started with `startServer(resolveConfig(...))` exactly as
 * `spearlet serve` does, on a loopback port with RocksDB in a temp dir, with the benchmark's tasks
 * registered through gRPC.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type RunningServer, startServer } from '../src/app.js';
import { FunctionClient } from '../src/client/function-client.js';
import { type ConfigInput, type IsolationMode, resolveConfig } from '../src/config.js';
import { FIXTURES_DIR, JS_TASK_SOURCE, WASM_ADD_PATH } from './guests.js';
import { invokeRequest } from './scenarios.js';

export interface BenchServer {
  readonly isolation: IsolationMode;
  readonly running: RunningServer;
  readonly address: string;
  /** `http://host:port` of its HTTP trigger. */
  readonly httpUrl: string;
  /** The JS task with `add` and `fibonacci`. */
  readonly jsTaskId: string;
  /** The Wasm `add` task; undefined when fixtures/wasm/add.wasm is missing. */
  readonly wasmTaskId: string | undefined;
  close(): Promise<void>;
}

/** Per-task limits of the benchmark's tasks: room for every concurrent call of the c=32 runs. */
export const TASK_METADATA = { max_instances: '32', max_concurrency: '32' };

const dataUri = (bytes: Uint8Array | string, type: string) => `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;

export async function startSpearlet(isolation: IsolationMode, options: ConfigInput = {}): Promise<BenchServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-bench-'));
  const running = await startServer(
    resolveConfig({ listen: '127.0.0.1:0', httpListen: '127.0.0.1:0', dataDir: path.join(dir, 'data'), artifactRoots: [FIXTURES_DIR], logLevel: 'silent', isolation, ...options }),
  );
  const setup = new FunctionClient(running.address);
  try {
    const js = await setup.invoke({
      taskName: 'bench-js',
      artifactSpec: { artifactType: 'javascript', location: dataUri(JS_TASK_SOURCE, 'text/javascript'), metadata: TASK_METADATA },
      functionName: 'add',
      parameters: [],
    });
    if (!js.taskId) throw new Error(`could not register the JS task: ${js.message}`);
    let wasmTaskId: string | undefined;
    const wasm = await fs.readFile(WASM_ADD_PATH).catch(() => undefined);
    if (wasm) {
      const res = await setup.invoke({
        taskName: 'bench-wasm',
        artifactSpec: { artifactType: 'wasm', location: dataUri(wasm, 'application/wasm'), metadata: TASK_METADATA },
        functionName: 'noop',
      });
      if (!res.taskId) throw new Error(`could not register the Wasm task: ${res.message}`);
      wasmTaskId = res.taskId;
    }
    return {
      isolation,
      running,
      address: running.address,
      httpUrl: `http://${running.httpAddress}`,
      jsTaskId: js.taskId,
      wasmTaskId,
      close: async () => {
        await running.close();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await running.close();
    throw err;
  } finally {
    setup.close();
  }
}

/** A warm `add` call's whole InvokeFunctionResponse, as a client decodes it (the floors answer with it). */
export async function sampleResponse(server: BenchServer): Promise<object> {
  const client = new FunctionClient(server.address);
  try {
    const res = await client.invoke(invokeRequest(server.jsTaskId, 'add'));
    if (!res.success) throw new Error(`the sample call failed: ${res.message}`);
    return res;
  } finally {
    client.close();
  }
}
