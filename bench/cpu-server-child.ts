/**
 * A spearlet server in a process of its own, for cpu-per-call.ts: started from the compiled build
 * (`<root>/dist`, as `npm start` runs it) of the checkout named by argv[2], so the CPU of this
 * process and of its sandbox workers is the server's and the workers' alone, and two checkouts
 * (a change and its baseline) can be measured in turn. Sends `{ address, httpUrl, taskId }` once
 * the benchmark's JS task is registered; exits when the parent disconnects. Between the messages
 * 'count-start' and 'count-stop' it counts what its JS heap allocates, and answers
 * `{ allocatedBytes, gcs }`.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { pathToFileURL } from 'node:url';
import { TASK_METADATA } from './bench-tasks.js';
import { JS_TASK_SOURCE } from './guests.js';

const root = path.resolve(process.argv[2] ?? '.');
const workers = Number(process.argv[3] ?? '1');
const osSandbox = process.argv[4] ?? 'auto';
const load = (file: string) => import(pathToFileURL(path.join(root, 'dist', file)).href);

const { startServer } = await load('src/app.js');
const { resolveConfig } = await load('src/config.js');
const { FunctionClient } = await load('src/client/function-client.js');

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-cpu-'));
const running = await startServer(
  resolveConfig({ listen: '127.0.0.1:0', httpListen: '127.0.0.1:0', dataDir: path.join(dir, 'data'), logLevel: 'silent', isolation: 'process', sandboxWorkers: workers, osSandbox }),
);
const setup = new FunctionClient(running.address);
const res = await setup.invoke({
  taskName: 'cpu-per-call',
  artifactSpec: { artifactType: 'javascript', location: `data:text/javascript;base64,${Buffer.from(JS_TASK_SOURCE).toString('base64')}`, metadata: TASK_METADATA },
  functionName: 'add',
  parameters: [],
});
setup.close();
if (!res.taskId) throw new Error(`could not register the task: ${res.message}`);

// Bytes the server's JS heap allocates, counted between 'count-start' and 'count-stop': what the
// heap used grew by, plus what each garbage collection in between freed (v8.GCProfiler).
let counting: { profiler: v8.GCProfiler; usedAtStart: number } | undefined;
process.on('message', (m: string) => {
  if (m === 'count-start') {
    const profiler = new v8.GCProfiler();
    profiler.start();
    counting = { profiler, usedAtStart: v8.getHeapStatistics().used_heap_size };
  } else if (m === 'count-stop' && counting) {
    const { statistics } = counting.profiler.stop() ?? { statistics: [] };
    let allocated = 0;
    let used = counting.usedAtStart;
    for (const gc of statistics) {
      allocated += gc.beforeGC.heapStatistics.usedHeapSize - used;
      used = gc.afterGC.heapStatistics.usedHeapSize;
    }
    allocated += v8.getHeapStatistics().used_heap_size - used;
    counting = undefined;
    process.send!({ allocatedBytes: allocated, gcs: statistics.length });
  }
});

process.on('disconnect', () => {
  void running.close().finally(() => fs.rm(dir, { recursive: true, force: true }).finally(() => process.exit(0)));
});
process.send!({ address: running.address, httpUrl: `http://${running.httpAddress}`, taskId: res.taskId });
