/**
 * CPU per warm call, per process (issue #20): how many microseconds of CPU the server process and
 * its sandbox worker spend on one trivial warm call (`add`), read from /proc/<pid>/stat (user +
 * system) around a closed loop of calls driven from a separate load-client process.
 *
 *   node --no-node-snapshot --import tsx bench/cpu-per-call.ts [options] [label=checkout ...]
 *
 * Each `label=checkout` is a checkout whose `dist/` is built (`npm run build`); the default is this
 * one. With two or more, their servers run side by side and are measured in turn (A, B, A, B …),
 * so a change and its baseline see the same machine. `w.main` is the workers' main threads alone
 * (the rest of `worker` is isolated-vm's isolate threads, V8's GC and compiler threads). Options: --calls N (per block, 4000),
 * --rounds R (blocks per server, 4), --concurrency C (1), --via grpc|http (grpc), --workers W
 * (sandbox workers per server, 1), --os-sandbox auto|off|required (auto), --cpu-prof DIR (a V8
 * CPU profile of each server process, written to DIR when it exits), --floor (one more row, in
 * turn with the others: the process floor, the no-op server making one IPC hop to raw isolated-vm
 * `add` in a child process, bench/floors-child.ts; its "worker" is that child). Prints the median
 * of the blocks per process, the client's p50, and the bytes the server's JS heap allocated per
 * call (KB/call, counted with v8.GCProfiler; not for the floor). Linux only.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { OsSandboxMode } from '../src/config.js';
import { cpuTimeUs, descendants } from './process-rss.js';
import { LoadClient } from './client-process.js';
import { type Floors, startFloors } from './floors.js';
import { FLOOR_TASK } from './peers.js';
import { invokeRequest } from './scenarios.js';
import { sampleResponse } from './spearlet.js';
import { type SpearletProcess, startSpearletProcess } from './spearlet-process.js';
import { median } from './stats.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    calls: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '1' },
    via: { type: 'string', default: 'grpc' },
    workers: { type: 'string', default: '1' },
    'os-sandbox': { type: 'string', default: 'auto' },
    'cpu-prof': { type: 'string' },
    floor: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const here = fileURLToPath(new URL('..', import.meta.url));
const targets = (positionals.length > 0 ? positionals : [`current=${here}`]).map((arg) => {
  const [label, root] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, arg];
  return { label, root };
});

interface Target {
  label: string;
  /** The server's process; its descendants are the "worker". */
  pid: number;
  /** `count` closed-loop calls; resolves with the client's summary. */
  drive(count: number): Promise<{ count: number; p50: number }>;
  /** Counts the server's allocations from now on (spearlet only). */
  startCounting?(): Promise<void>;
  /** Bytes allocated since startCounting. */
  stopCounting?(): Promise<number>;
  close(): Promise<void>;
  server: number[];
  worker: number[];
  /** The workers' main threads alone (the rest: isolated-vm's isolate threads, GC, compilers). */
  workerMain: number[];
  /** The client's p50 latency of each block, ms. */
  p50: number[];
  /** Bytes the server's JS heap allocated per call, each block. */
  allocated: number[];
}

async function start(label: string, root: string): Promise<Target & { spearlet: SpearletProcess }> {
  const spearlet = await startSpearletProcess(
    'process',
    { sandboxWorkers: Number(values.workers), osSandbox: values['os-sandbox'] as OsSandboxMode },
    { root, label: `${label}'s server`, execArgv: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [] },
  );
  return {
    label,
    spearlet,
    pid: spearlet.pid,
    drive: (count) => drive(`${spearlet.httpUrl}/v1/tasks/${spearlet.jsTaskId}/add`, spearlet.address, spearlet.jsTaskId, count),
    startCounting: () => spearlet.startCounting(),
    stopCounting: () => spearlet.stopCounting(),
    close: () => spearlet.close(),
    ...measures(),
  };
}

/** The process floor, answering spearlet's own response to the same call over gRPC. */
async function startFloor(spearlet: SpearletProcess): Promise<Target> {
  const floors: Floors = await startFloors(1);
  await floors.setFloorResponse(await sampleResponse(spearlet));
  return {
    label: 'process floor',
    pid: floors.pid,
    drive: (count) => drive(`${floors.url}/floor`, floors.address, FLOOR_TASK.process, count),
    close: () => floors.close(),
    ...measures(),
  };
}

function measures() {
  return { server: [] as number[], worker: [] as number[], workerMain: [] as number[], p50: [] as number[], allocated: [] as number[] };
}

function drive(url: string, address: string, taskId: string, count: number) {
  return values.via === 'http'
    ? client.http(url, { a: 2, b: 3 }, 5, count, concurrency, 0)
    : client.invoke(address, invokeRequest(taskId, 'add'), count, concurrency, 0);
}

const client = await LoadClient.start();
const servers: Target[] = [];
try {
  let first: SpearletProcess | undefined;
  for (const t of targets) {
    const s = await start(t.label, t.root);
    servers.push(s); // pushed at once: closed below even if a later one fails to start
    first ??= s.spearlet;
  }
  if (values.floor && first) servers.push(await startFloor(first));
  for (const s of servers) await s.drive(Math.min(calls, 1000)); // warm-up: JIT, pool, blank isolates
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
      await s.startCounting?.();
      const pid = s.pid;
      const workers = descendants(pid);
      const server0 = cpuTimeUs(pid);
      const worker0 = workers.reduce((sum, p) => sum + cpuTimeUs(p), 0);
      const main0 = workers.reduce((sum, p) => sum + cpuTimeUs(p, true), 0);
      const summary = await s.drive(calls);
      s.server.push((cpuTimeUs(pid) - server0) / summary.count);
      s.worker.push((workers.reduce((sum, p) => sum + cpuTimeUs(p), 0) - worker0) / summary.count);
      s.workerMain.push((workers.reduce((sum, p) => sum + cpuTimeUs(p, true), 0) - main0) / summary.count);
      s.p50.push(summary.p50);
      if (s.stopCounting) s.allocated.push((await s.stopCounting()) / summary.count);
    }
  }
  console.log(`CPU µs per warm call and the client's p50 (${values.via}, c=${concurrency}, ${calls} calls × ${rounds} blocks, median of blocks; taken in turn)`);
  console.log(['target'.padEnd(16), 'server'.padStart(8), 'worker'.padStart(8), 'w.main'.padStart(8), 'total'.padStart(8), 'p50 ms'.padStart(8), 'KB/call'.padStart(8), '  blocks (server/worker)'].join(''));
  for (const s of servers) {
    const blocks = s.server.map((v, i) => `${v.toFixed(0)}/${s.worker[i].toFixed(0)}`).join(' ');
    const [srv, wrk] = [median(s.server), median(s.worker)];
    const kb = s.allocated.length > 0 ? (median(s.allocated) / 1024).toFixed(1) : '';
    console.log([s.label.padEnd(16), srv.toFixed(0).padStart(8), wrk.toFixed(0).padStart(8), median(s.workerMain).toFixed(0).padStart(8), (srv + wrk).toFixed(0).padStart(8), median(s.p50).toFixed(3).padStart(8), kb.padStart(8), `  ${blocks}`].join(''));
  }
} finally {
  await client.close();
  for (const s of servers) await s.close();
}
