/**
 * A child process of the no-op server (peers.ts) that runs the benchmark task's `add` (or, for the
 * compute floor, `fibonacci`) on raw isolated-vm for each IPC message: the parts of a process-isolated call no design can skip (the
 * hop to another process and back, and one asynchronous isolate entry), with nothing else around
 * them. Its messages are JSON over Node's IPC, which costs about what spearlet's own channel does
 * (bench/channel.ts).
 */
import { rawTaskModule } from './raw-task-module.js';

export interface FloorRequest {
  id: number;
  a?: number;
  b?: number;
  /** Set: run `fibonacci({ n })` instead of `add` (the compute floor). */
  n?: number;
}

export interface FloorReply {
  id: number;
  value?: number;
  error?: string;
}

const module = await rawTaskModule();
const add = await module.exported('add');
const fibonacci = await module.exported('fibonacci');

process.on('message', (m: FloorRequest) => {
  const [fn, params] = m.n === undefined ? [add, { a: m.a, b: m.b }] : [fibonacci, { n: m.n }];
  fn.apply(undefined, [params], { arguments: { copy: true }, result: { copy: true } }).then(
    (value) => process.send!({ id: m.id, value } satisfies FloorReply),
    (err: Error) => process.send!({ id: m.id, error: err.message } satisfies FloorReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0 } satisfies FloorReply);
