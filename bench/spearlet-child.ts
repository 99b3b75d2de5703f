/**
 * One spearlet server in a process of its own, for `npm run bench`: the compiled build (dist/, as
 * `npm start` runs it), the benchmark's tasks registered, and nothing else of the benchmark (the
 * peers, the no-op servers, the other isolation mode's server) on its event loop or in its heap, as
 * nothing else shares workerd's process. It also takes the in-server measurements, calls straight
 * into the core without a transport, when the parent asks over IPC (spearlet-process.ts).
 *
 * It also counts what its JS heap allocates between two requests (cpu-per-call.ts).
 *
 * argv: isolation mode, more config as JSON, and the checkout whose `dist/` to run (default: this
 * one; cpu-per-call.ts measures a change and its baseline side by side). Sends
 * `{ address, httpUrl, jsTaskId, wasmTaskId }` once ready; exits when the parent disconnects.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import { registerBenchTasks } from './bench-tasks.js';
import { COLD_TASK_TEMPLATE, FIB_N, FIXTURES_DIR } from './guests.js';
import type { InServerReply, InServerRequest } from './spearlet-process.js';
import { type LatencySummary, closedLoop, elapsedMs, summarize } from './stats.js';

const root = path.resolve(process.argv[4] ?? new URL('..', import.meta.url).pathname);
const load = (file: string) => import(pathToFileURL(path.join(root, 'dist', 'src', file)).href);
const { startServer } = await load('app.js');
const { resolveConfig } = await load('config.js');
const { FunctionClient } = await load('client/function-client.js');
const { encodeAny } = await load('core/values/codec.js');
const { existingTaskCall } = await load('core/execution/invocation-plan.js');

const isolation = process.argv[2] ?? 'process';
const more = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-bench-'));
const running = await startServer(
  resolveConfig({ listen: '127.0.0.1:0', httpListen: '127.0.0.1:0', dataDir: path.join(dir, 'data'), artifactRoots: [FIXTURES_DIR], logLevel: 'silent', isolation, ...more }),
);
const setup = new FunctionClient(running.address);
const tasks = await registerBenchTasks(setup).finally(() => setup.close());

type Parameter = { name: string; type: string; required: boolean; description: string; value: { type_url: string; value: Buffer } };
const parameter = (name: string, v: unknown): Parameter => {
  const any = encodeAny(v) as { type_url: string; value: Uint8Array };
  return { name, type: '', required: false, description: '', value: { type_url: any.type_url, value: Buffer.from(any.value) } };
};
const call = (overrides: object): object => ({ ...existingTaskCall('', '', [parameter('a', 2), parameter('b', 3)]), ...overrides });

async function invokeInServer(input: object): Promise<void> {
  const accepted = await running.core.executions.invoke(input);
  const record = await accepted.done;
  if (record.status !== 'COMPLETED') throw new Error(`in-server call ended ${record.status}: ${record.errorMessage ?? ''}`);
}

const addCall = call({ taskId: tasks.jsTaskId, functionName: 'add' });
const fibCall = call({ taskId: tasks.jsTaskId, functionName: 'fibonacci', parameters: [parameter('n', FIB_N)] });
let coldSerial = 0;

/** First invokes of new tasks through the core: register, build the instance, run. */
async function coldInServer(count: number, gapMs: number): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, gapMs));
    const n = `${process.pid}${Date.now()}${coldSerial++}`;
    const source = COLD_TASK_TEMPLATE.replaceAll('{{N}}', n);
    const input = call({
      invocationType: 'NEW_TASK',
      taskName: `cold-${n}`,
      artifactSpec: { artifactId: '', artifactType: 'javascript', location: `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`, version: '', checksum: '', metadata: {} },
    });
    const t = process.hrtime.bigint();
    await invokeInServer(input);
    latencies.push(elapsedMs(t));
  }
  return summarize(latencies, latencies.reduce((a, b) => a + b, 0));
}

// Bytes the JS heap allocates between 'count-start' and 'count-stop': what the heap used grew by,
// plus what each garbage collection in between freed (v8.GCProfiler).
let counting: { profiler: v8.GCProfiler; usedAtStart: number } | undefined;

function allocatedSinceStart(): number {
  if (!counting) return NaN;
  const { statistics } = counting.profiler.stop() ?? { statistics: [] };
  let allocated = 0;
  let used = counting.usedAtStart;
  for (const gc of statistics) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - used;
    used = gc.afterGC.heapStatistics.usedHeapSize;
  }
  counting = undefined;
  return allocated + v8.getHeapStatistics().used_heap_size - used;
}

async function answer(m: InServerRequest): Promise<InServerReply> {
  switch (m.op) {
    case 'count-start': {
      const profiler = new v8.GCProfiler();
      profiler.start();
      counting = { profiler, usedAtStart: v8.getHeapStatistics().used_heap_size };
      return { id: m.id };
    }
    case 'count-stop':
      return { id: m.id, allocatedBytes: allocatedSinceStart() };
    case 'warm':
      return { id: m.id, summary: await closedLoop(() => invokeInServer(addCall), m.count, 1, m.warmup) };
    case 'cold':
      return { id: m.id, summary: await coldInServer(m.count, m.gapMs) };
    case 'fib': {
      const t = process.hrtime.bigint();
      await invokeInServer(fibCall);
      return { id: m.id, ms: elapsedMs(t) };
    }
  }
}

process.on('message', (m: InServerRequest) => {
  answer(m).then(
    (reply) => process.send!(reply),
    (err: Error) => process.send!({ id: m.id, error: err.message } satisfies InServerReply),
  );
});
process.on('disconnect', () => {
  void running.close().finally(() => fs.rm(dir, { recursive: true, force: true }).finally(() => process.exit(0)));
});
process.send!({ address: running.address, httpUrl: `http://${running.httpAddress}`, ...tasks });
