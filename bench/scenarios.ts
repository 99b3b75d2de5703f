/**
 * What is measured on spearlet itself: a cold first invoke of a new task through gRPC, warm invokes
 * through gRPC at a given concurrency, compute-heavy invokes and Wasm invokes (the in-server series,
 * straight into the core, are taken inside the server's process: spearlet-child.ts). Each function measures one run; run.ts repeats
 * them and keeps the medians.
 */
import type { IsolationMode } from '../src/config.js';
import { encodeAny } from '../src/core/values/codec.js';
import type { InvokeFunctionRequest } from '../src/generated/spearlet/InvokeFunctionRequest.js';
import type { LoadClient } from './client-process.js';
import { FLOOR_TASK, type InProcessPeer } from './peers.js';
import { COLD_TASK_TEMPLATE, FIB_N, FIB_RESULT } from './guests.js';
import type { SpearletProcess } from './spearlet-process.js';
import type { WorkerdPeer } from './workerd.js';
import type { Floors } from './floors.js';
import { fibOnWorkerd } from './workerd-scenarios.js';
import { type LatencySummary, elapsedMs, summarize } from './stats.js';

export interface Counts {
  /** Sequential warm calls per run (concurrency 1). */
  warm1: number;
  /** Calls per run at concurrency 32. */
  warm32: number;
  warmup: number;
  /** New tasks per cold run, and the pause before each (so the blank isolates refill). */
  cold: number;
  coldGapMs: number;
  /** fib calls per run (QuickJS: `fibSlow`). */
  fib: number;
  fibSlow: number;
}

export const addParams = [
  { name: 'a', value: encodeAny(2) },
  { name: 'b', value: encodeAny(3) },
];

export function invokeRequest(taskId: string, functionName: string, parameters = addParams): InvokeFunctionRequest {
  return { invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId, functionName, parameters };
}

/** Warm invokes of `add` through gRPC from the load client. */
export function warmGrpc(client: LoadClient, server: { address: string; jsTaskId: string }, concurrency: number, counts: Counts, taskId = server.jsTaskId): Promise<LatencySummary> {
  return client.invoke(server.address, invokeRequest(taskId, 'add'), concurrency === 1 ? counts.warm1 : counts.warm32, concurrency, counts.warmup);
}

/** The same call against the no-op handler. */
export function noopGrpc(client: LoadClient, address: string, concurrency: number, counts: Counts): Promise<LatencySummary> {
  return client.invoke(address, invokeRequest('noop-task', 'add'), concurrency === 1 ? counts.warm1 : counts.warm32, concurrency, counts.warmup);
}

/** The same call against the no-op handler doing `mode`'s floor work first (FLOOR_TASK). */
export function floorGrpc(client: LoadClient, address: string, mode: IsolationMode, concurrency: number, counts: Counts): Promise<LatencySummary> {
  return client.invoke(address, invokeRequest(FLOOR_TASK[mode], 'add'), concurrency === 1 ? counts.warm1 : counts.warm32, concurrency, counts.warmup);
}

/** The compute-heavy scenario's series, measured call by call in turn (see computeInterleaved). */
export interface ComputeSeries {
  grpc: LatencySummary;
  inServer: LatencySummary;
  /** The same fib on raw isolated-vm, between the spearlet calls. */
  raw: LatencySummary;
  /** The same fib on raw isolated-vm behind a grpc-js handler (the no-op server), through gRPC. */
  rawGrpc: LatencySummary;
  /** The compute floor of process isolation: the no-op handler, one IPC hop, raw isolated-vm fib in a child process. */
  floorGrpc: LatencySummary;
  /** Through spearlet's HTTP trigger. */
  http: LatencySummary;
  /** The same floor behind the no-op node:http server. */
  floorHttp: LatencySummary;
  /** The same fib on workerd, over HTTP. */
  workerd?: LatencySummary;
}

/**
 * Compute-heavy invokes (recursive fib): one through gRPC, one through the core (decode and gRPC
 * left out), one on raw isolated-vm, one on raw isolated-vm behind the no-op server's grpc-js
 * handler (`noopAddress`, started with the raw peer), one on the process floor (the same handler,
 * one IPC hop to raw isolated-vm in a child process), and one on workerd when it runs, in turn,
 * `counts.fib` times. On a shared machine the speed of a 10-30 ms computation drifts by 2x within
 * a minute; taking them side by side, call by call, compares them under the same conditions, which
 * measuring each series in its own minute did not.
 */
export async function computeInterleaved(client: LoadClient, server: SpearletProcess, raw: InProcessPeer, floors: Floors, counts: Counts, workerd?: WorkerdPeer): Promise<ComputeSeries> {
  const request = invokeRequest(server.jsTaskId, 'fibonacci', [{ name: 'n', value: encodeAny(FIB_N) }]);
  const floorRequest = invokeRequest(FLOOR_TASK.process, 'fibonacci', [{ name: 'n', value: encodeAny(FIB_N) }]);
  const grpc = async (address: string, req: InvokeFunctionRequest) => (await client.invoke(address, req, 1, 1, 0)).p50;
  const http = async (url: string) => (await client.http(url, { n: FIB_N }, FIB_RESULT, 1, 1, 0)).p50;
  const timed = async (call: () => Promise<unknown>): Promise<number> => {
    const t = process.hrtime.bigint();
    await call();
    return elapsedMs(t);
  };
  // Each series' one call, in the order they take turns; each answers its milliseconds.
  const steps: Array<[keyof ComputeSeries, () => Promise<number>]> = [
    ['grpc', () => grpc(server.address, request)],
    ['inServer', () => server.fibInServer()],
    ['raw', () => timed(() => raw.fib(FIB_N))],
    ['rawGrpc', () => grpc(floors.address, request)],
    ['floorGrpc', () => grpc(floors.address, floorRequest)],
    ['http', () => http(`${server.httpUrl}/v1/tasks/${server.jsTaskId}/fibonacci`)],
    ['floorHttp', () => http(`${floors.url}/floor`)],
    ...(workerd ? [['workerd', async () => (await fibOnWorkerd(client, workerd, FIB_N)).p50] as [keyof ComputeSeries, () => Promise<number>]] : []),
  ];
  // Warm-up: the instance's JIT and raw isolated-vm's both tier up fib first.
  for (let i = 0; i < 2; i++) for (const [, step] of steps) await step();
  const ms = new Map(steps.map(([name]) => [name, [] as number[]]));
  for (let i = 0; i < counts.fib; i++) for (const [name, step] of steps) ms.get(name)!.push(await step());
  const series = (xs: number[]) => summarize(xs, xs.reduce((a, b) => a + b, 0));
  return Object.fromEntries([...ms].map(([name, xs]) => [name, series(xs)])) as unknown as ComputeSeries;
}

/** First invokes of new tasks through gRPC. */
export function coldGrpc(client: LoadClient, server: { address: string }, counts: Counts): Promise<LatencySummary> {
  return client.cold(server.address, COLD_TASK_TEMPLATE, counts.cold, counts.coldGapMs, 'cold-grpc');
}
