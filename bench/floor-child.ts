/**
 * A child process of the no-op server (peers.ts) that runs the benchmark task's `add` on raw
 * isolated-vm for each IPC message: the parts of a process-isolated call no design can skip (the
 * hop to another process and back, and one asynchronous isolate entry), with nothing else around
 * them. Its messages are JSON over Node's IPC, which costs about what spearlet's own channel does
 * (bench/channel.ts).
 */
import { rawTaskModule } from './raw-task-module.js';

export interface FloorRequest {
  id: number;
  a: number;
  b: number;
}

export interface FloorReply {
  id: number;
  value?: number;
  error?: string;
}

const add = await (await rawTaskModule()).exported('add');

process.on('message', (m: FloorRequest) => {
  add.apply(undefined, [{ a: m.a, b: m.b }], { arguments: { copy: true }, result: { copy: true } }).then(
    (value) => process.send!({ id: m.id, value } satisfies FloorReply),
    (err: Error) => process.send!({ id: m.id, error: err.message } satisfies FloorReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0 } satisfies FloorReply);
