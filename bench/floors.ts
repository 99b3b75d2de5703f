/** The floors' process (floors-child.ts), from the benchmark's side. */
import { closeBenchChild, forkBenchChild } from './bench-child.js';

export interface Floors {
  /** The no-op grpc-js handler (and the gRPC floors: peers.ts FLOOR_TASK). */
  readonly address: string;
  /** The no-op node:http server; `${url}/floor` is the process floor over HTTP when `processFloor`. */
  readonly url: string;
  readonly processFloor: boolean;
  /** The floor of the HTTP trigger served by the isolate's own process (worker-http-child.ts). */
  readonly workerHttpUrl: string;
  /** The floors' process (its children: the process floor's isolate processes, the worker-served floor). */
  readonly pid: number;
  /** What the floors answer: spearlet's own response to the same call. */
  setFloorResponse(response: object): Promise<void>;
  close(): Promise<void>;
}

export async function startFloors(floorChildren: number): Promise<Floors> {
  let ready: { grpcAddress: string; httpUrl: string; processFloor: boolean; workerHttpUrl: string } = undefined as never;
  const child = await forkBenchChild('./floors-child.ts', 'the floors', { args: [String(floorChildren)], onReady: (m) => (ready = m as typeof ready) });
  return {
    address: ready.grpcAddress,
    url: ready.httpUrl,
    processFloor: ready.processFloor,
    workerHttpUrl: ready.workerHttpUrl,
    pid: child.pid!,
    setFloorResponse: (floorResponse) =>
      new Promise((resolve) => {
        child.once('message', () => resolve());
        child.send({ floorResponse });
      }),
    close: () => closeBenchChild(child),
  };
}
