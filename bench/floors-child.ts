/**
 * The benchmark's transport floors in a process of their own, as spearlet's servers and workerd run
 * in theirs (spearlet-child.ts): the no-op grpc-js handler (raw isolated-vm fib behind it for the
 * compute series, and each isolation mode's floor, peers.ts) and the no-op node:http server with
 * the process floor (noop-http.ts), and the floor of the design proposed for the HTTP trigger
 * (worker-http-child.ts, a process of its own again). A floor measured in the benchmark's own busy process would read
 * slower than the transport is, and make a bound it proves look lower than it is.
 *
 * argv: how many floor children (spearlet's sandbox workers; 0 for none). Sends
 * `{ grpcAddress, httpUrl, processFloor, workerHttpUrl }` once ready; a `{ floorResponse }` message sets what the floors answer
 * (spearlet's own response to the same call) and is acknowledged; exits when the parent disconnects.
 */
import { forkBenchChild } from './bench-child.js';
import { startNoopHttp } from './noop-http.js';
import { rawIsolatedVm, startNoopServer } from './peers.js';

const floorChildren = Number(process.argv[2] ?? '0');
const raw = await rawIsolatedVm();
const noop = await startNoopServer({ compute: raw, floorChildren: floorChildren > 0 ? floorChildren : undefined });
const http = await startNoopHttp({ floor: noop.processFloor });
let workerHttpUrl = '';
const workerHttp = await forkBenchChild('./worker-http-child.ts', 'the worker-served HTTP floor', { onReady: (m) => (workerHttpUrl = (m as { url: string }).url) });

process.on('message', (m: { floorResponse: object }) => {
  noop.floorResponse = m.floorResponse;
  process.send!({ ok: true });
});
process.on('disconnect', () => {
  workerHttp.disconnect();
  void Promise.all([noop.close(), http.close(), raw.close()]).finally(() => process.exit(0));
});
process.send!({ grpcAddress: noop.address, httpUrl: http.url, processFloor: noop.processFloor !== undefined, workerHttpUrl });
