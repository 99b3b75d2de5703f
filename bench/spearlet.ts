/**
 * Spearlet servers inside the benchmark's own process, for the benchmarks that look at the core's
 * insides (codec.ts, os-sandbox.ts): started with `startServer(resolveConfig(...))` exactly as
 * `spearlet serve` does, on a loopback port with RocksDB in a temp dir, with the benchmark's tasks
 * registered through gRPC. `npm run bench`'s own servers run in processes of their own
 * (spearlet-process.ts).
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type RunningServer, startServer } from '../src/app.js';
import { FunctionClient } from '../src/client/function-client.js';
import { type ConfigInput, type IsolationMode, resolveConfig } from '../src/config.js';
import { registerBenchTasks } from './bench-tasks.js';
import { FIXTURES_DIR } from './guests.js';
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

export async function startSpearlet(isolation: IsolationMode, options: ConfigInput = {}): Promise<BenchServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-bench-'));
  const running = await startServer(
    resolveConfig({ listen: '127.0.0.1:0', httpListen: '127.0.0.1:0', dataDir: path.join(dir, 'data'), artifactRoots: [FIXTURES_DIR], logLevel: 'silent', isolation, ...options }),
  );
  const setup = new FunctionClient(running.address);
  try {
    const tasks = await registerBenchTasks(setup);
    return {
      isolation,
      running,
      address: running.address,
      httpUrl: `http://${running.httpAddress}`,
      ...tasks,
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
export async function sampleResponse(server: { address: string; jsTaskId: string }): Promise<object> {
  const client = new FunctionClient(server.address);
  try {
    const res = await client.invoke(invokeRequest(server.jsTaskId, 'add'));
    if (!res.success) throw new Error(`the sample call failed: ${res.message}`);
    return res;
  } finally {
    client.close();
  }
}
