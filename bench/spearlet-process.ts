/**
 * `npm run bench`'s spearlet servers, each in a process of its own (spearlet-child.ts) started from
 * the compiled build as `npm start` runs it, so the benchmark measures the server users run, alone
 * in its process as workerd is in its. Measured in the same process as the peers, no-op servers and
 * the other isolation mode's server, the process-isolation HTTP trigger's warm p50 at c=1 was
 * 1.5-2× what the same build answers alone (2026-12-03). The in-server series (calls straight
 * into the core) are taken inside the child and reported here.
 */
import type { ChildProcess } from 'node:child_process';
import type { ConfigInput, IsolationMode } from '../src/config.js';
import { closeBenchChild, forkBenchChild } from './bench-child.js';
import type { BenchTasks } from './bench-tasks.js';
import type { LatencySummary } from './stats.js';

export type InServerRequest =
  | { id: number; op: 'warm'; count: number; warmup: number }
  | { id: number; op: 'cold'; count: number; gapMs: number }
  | { id: number; op: 'fib' }
  | { id: number; op: 'count-start' | 'count-stop' };

export interface InServerReply {
  id: number;
  summary?: LatencySummary;
  ms?: number;
  /** Bytes the server's JS heap allocated since 'count-start'. */
  allocatedBytes?: number;
  error?: string;
}

export interface SpearletProcess extends BenchTasks {
  readonly isolation: IsolationMode;
  readonly address: string;
  /** `http://host:port` of its HTTP trigger. */
  readonly httpUrl: string;
  /** Warm `add` calls through the core, sequentially. */
  warmInServer(count: number, warmup: number): Promise<LatencySummary>;
  /** First calls of new tasks through the core, one after each pause. */
  coldInServer(count: number, gapMs: number): Promise<LatencySummary>;
  /** One fib(FIB_N) call through the core: its milliseconds. */
  fibInServer(): Promise<number>;
  /** The server process's pid (its sandbox workers are its descendants). */
  readonly pid: number;
  /** Starts counting what the server's JS heap allocates; `stopCounting` answers the bytes. */
  startCounting(): Promise<void>;
  stopCounting(): Promise<number>;
  close(): Promise<void>;
}

type Request = InServerRequest extends infer R ? (R extends InServerRequest ? Omit<R, 'id'> : never) : never;

/**
 * `root`: the checkout whose compiled build to run (default this one); `execArgv`: more Node flags
 * for the server process (--cpu-prof).
 */
export async function startSpearletProcess(isolation: IsolationMode, options: ConfigInput = {}, launch: { root?: string; execArgv?: string[]; label?: string } = {}): Promise<SpearletProcess> {
  let ready: { address: string; httpUrl: string } & BenchTasks = undefined as never;
  const child: ChildProcess = await forkBenchChild('./spearlet-child.ts', launch.label ?? `the ${isolation} spearlet server`, {
    args: [isolation, JSON.stringify(options), ...(launch.root ? [launch.root] : [])],
    execArgv: launch.execArgv,
    onReady: (m) => (ready = m as typeof ready),
  });
  const waiting = new Map<number, (reply: InServerReply) => void>();
  let nextId = 1;
  child.on('message', (m: InServerReply) => waiting.get(m.id)?.(m));
  const ask = (request: Request): Promise<InServerReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, (reply) => {
        waiting.delete(id);
        if (reply.error !== undefined) reject(new Error(`the ${isolation} spearlet server: ${reply.error}`));
        else resolve(reply);
      });
      child.send({ ...request, id });
    });
  return {
    isolation,
    ...ready,
    warmInServer: async (count, warmup) => (await ask({ op: 'warm', count, warmup })).summary!,
    coldInServer: async (count, gapMs) => (await ask({ op: 'cold', count, gapMs })).summary!,
    fibInServer: async () => (await ask({ op: 'fib' })).ms!,
    pid: child.pid!,
    startCounting: async () => void (await ask({ op: 'count-start' })),
    stopCounting: async () => (await ask({ op: 'count-stop' })).allocatedBytes!,
    close: () => closeBenchChild(child),
  };
}
