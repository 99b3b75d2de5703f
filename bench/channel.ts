/**
 * The worker channel alone (issue #20): CPU per execute/outcome round trip between two processes,
 * in each process, for three ways of carrying the messages, taken in turn:
 *
 * - `advanced`: Node's IPC with structured clone, as spearlet's sandbox workers used it;
 * - `json`: Node's IPC with `serialization: 'json'` (for reference: it cannot carry bytes or
 *   BigInts as they are);
 * - `frame`: a pipe of its own (fd 4) with src/sandbox/channel-codec.ts's frames, as the sandbox
 *   workers use it now (JSON for plain data, V8's serialization for the rest).
 *
 *   node --no-node-snapshot --import tsx bench/channel.ts [--calls N] [--rounds R] [--batch B]
 *
 * `--batch B` sends B calls per message each way (the c=32 case, where batched-sender.ts gathers
 * concurrent calls into one write). Counts encode, decode, the writes and reads, and the wake-ups.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHANNEL_FD, FrameReader, encodeFrame } from '../src/sandbox/channel-codec.js';
import { median } from './stats.js';

type Mode = 'advanced' | 'json' | 'frame';
type Batch = Array<{ type: string; id: number }>;

/** An execute as the server sends it for `add({ a: 2, b: 3 })`, and the outcome that answers it. */
const execute = (id: number) => ({
  type: 'execute',
  id,
  instanceId: '3f1c6a2e-7d5b-4a8e-9c1f-2b3d4e5f6a7b',
  call: {
    executionId: '0c8e2a9e-4b1f-4e7d-9a51-2d3c4b5a6f70',
    taskId: '7d9e0b1c-2a3f-4e5d-8c9b-0a1b2c3d4e5f',
    functionName: 'add',
    params: { a: 2, b: 3 },
    paramList: [2, 3],
    env: {},
    headers: {},
    sessionId: '',
    userId: '',
    deadline: 1_800_000_000_000,
    secrets: {},
    streaming: false,
  },
});
const outcome = (id: number) => ({ type: 'outcome', id, outcome: { status: 'completed', value: { kind: 'json', value: '5' }, instanceUsable: true, cpuTimeUs: 41, memoryUsedBytes: 1_254_400 } });

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** channel-codec.ts's frames over a stream socket. */
function framed(socket: net.Socket, onBatch: (batch: Batch) => void): (batch: unknown[]) => void {
  const reader = new FrameReader<Batch[number]>(onBatch);
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  return (batch) => socket.write(encodeFrame(batch));
}

if (process.argv[2] === '--channel-child') {
  const mode = process.argv[3] as Mode;
  let mark = cpuUs();
  const answer = (batch: Batch) => batch.map((e) => outcome(e.id));
  if (mode === 'frame') {
    const send = framed(new net.Socket({ fd: CHANNEL_FD, readable: true, writable: true }), (batch) => send(answer(batch)));
  }
  process.on('message', (m: unknown) => {
    if (Array.isArray(m)) {
      process.send!(answer(m as Batch));
      return;
    }
    // A control message: report this process's CPU since the last one.
    const now = cpuUs();
    process.send!({ cpuUs: now - mark });
    mark = now;
  });
  process.send!({ ready: true });
} else {
  const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '6' }, batch: { type: 'string', default: '1' } } });
  const calls = Number(values.calls);
  const batchSize = Number(values.batch);
  const modes: Mode[] = ['advanced', 'json', 'frame'];
  const children = new Map<Mode, { child: ChildProcess; send: (batch: unknown) => void; answered: (resolve: (batch: Batch) => void) => void }>();
  for (const mode of modes) {
    const child = fork(fileURLToPath(import.meta.url), ['--channel-child', mode], {
      execArgv: ['--import', 'tsx'],
      serialization: mode === 'advanced' ? 'advanced' : 'json',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'],
    });
    await new Promise((resolve) => child.once('message', resolve));
    if (mode === 'frame') {
      let waiting: ((batch: Batch) => void) | undefined;
      const send = framed(child.stdio[CHANNEL_FD] as net.Socket, (batch) => waiting?.(batch));
      children.set(mode, { child, send: (b) => send(b as Batch), answered: (resolve) => (waiting = resolve) });
    } else {
      children.set(mode, { child, send: (b) => child.send(b as Batch), answered: (resolve) => child.once('message', resolve) });
    }
  }
  const roundTrip = (mode: Mode, id: number) =>
    new Promise<void>((resolve) => {
      const c = children.get(mode)!;
      c.answered((batch) => {
        if (batch[0].id !== id) throw new Error('answer out of order');
        resolve();
      });
      c.send(Array.from({ length: batchSize }, (_, i) => execute(id + i)));
    });
  const childCpu = (child: ChildProcess) =>
    new Promise<number>((resolve) => {
      child.once('message', (m: { cpuUs: number }) => resolve(m.cpuUs));
      child.send({ control: true });
    });
  const figures = new Map<Mode, { parent: number[]; child: number[] }>(modes.map((m) => [m, { parent: [], child: [] }]));
  for (let round = 0; round <= Number(values.rounds); round++) {
    for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
      const { child } = children.get(mode)!;
      await childCpu(child);
      const t = cpuUs();
      for (let i = 0; i < calls; i += batchSize) await roundTrip(mode, i);
      const parent = (cpuUs() - t) / calls;
      const inChild = (await childCpu(child)) / calls;
      if (round === 0) continue; // warm-up
      figures.get(mode)!.parent.push(parent);
      figures.get(mode)!.child.push(inChild);
    }
  }
  console.log(`CPU µs per call on the worker channel (${calls} calls × ${values.rounds} blocks, ${batchSize} per message; median; taken in turn)`);
  console.log(`${'channel'.padEnd(12)}${'server'.padStart(8)}${'worker'.padStart(8)}`);
  for (const [mode, f] of figures) console.log(`${mode.padEnd(12)}${median(f.parent).toFixed(1).padStart(8)}${median(f.child).toFixed(1).padStart(8)}`);
  for (const { child } of children.values()) {
    child.stdio[4]?.destroy();
    child.disconnect();
  }
}
