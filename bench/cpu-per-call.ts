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
 * CPU profile of each server process, written to DIR when it exits). Prints the median of the blocks per process, the
 * client's p50, and the bytes the server's JS heap allocated per call (KB/call, counted with v8.GCProfiler). Linux only.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { OsSandboxMode } from '../src/config.js';
import { cpuTimeUs, descendants } from './process-rss.js';
import { LoadClient } from './client-process.js';
import { invokeRequest } from './scenarios.js';
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
  spearlet: SpearletProcess;
  server: number[];
  worker: number[];
  /** The workers' main threads alone (the rest: isolated-vm's isolate threads, GC, compilers). */
  workerMain: number[];
  /** The client's p50 latency of each block, ms. */
  p50: number[];
  /** Bytes the server's JS heap allocated per call, each block. */
  allocated: number[];
}

async function start(label: string, root: string): Promise<Target> {
  const spearlet = await startSpearletProcess(
    'process',
    { sandboxWorkers: Number(values.workers), osSandbox: values['os-sandbox'] as OsSandboxMode },
    { root, label: `${label}'s server`, execArgv: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [] },
  );
  return { label, spearlet, server: [], worker: [], workerMain: [], p50: [], allocated: [] };
}

const client = await LoadClient.start();
const servers: Target[] = [];
try {
  for (const t of targets) servers.push(await start(t.label, t.root));
  const drive = (s: Target, count: number) =>
    values.via === 'http'
      ? client.http(`${s.spearlet.httpUrl}/v1/tasks/${s.spearlet.jsTaskId}/add`, { a: 2, b: 3 }, 5, count, concurrency, 0)
      : client.invoke(s.spearlet.address, invokeRequest(s.spearlet.jsTaskId, 'add'), count, concurrency, 0);
  for (const s of servers) await drive(s, Math.min(calls, 1000)); // warm-up: JIT, pool, blank isolates
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 === 0 ? servers : [...servers].reverse()) {
      await s.spearlet.startCounting();
      const pid = s.spearlet.pid;
      const workers = descendants(pid);
      const server0 = cpuTimeUs(pid);
      const worker0 = workers.reduce((sum, p) => sum + cpuTimeUs(p), 0);
      const main0 = workers.reduce((sum, p) => sum + cpuTimeUs(p, true), 0);
      const summary = await drive(s, calls);
      s.server.push((cpuTimeUs(pid) - server0) / summary.count);
      s.worker.push((workers.reduce((sum, p) => sum + cpuTimeUs(p), 0) - worker0) / summary.count);
      s.workerMain.push((workers.reduce((sum, p) => sum + cpuTimeUs(p, true), 0) - main0) / summary.count);
      s.p50.push(summary.p50);
      s.allocated.push((await s.spearlet.stopCounting()) / summary.count);
    }
  }
  console.log(`CPU µs per warm call and the client's p50 (${values.via}, c=${concurrency}, ${calls} calls × ${rounds} blocks, median of blocks; taken in turn)`);
  console.log(['target'.padEnd(16), 'server'.padStart(8), 'worker'.padStart(8), 'w.main'.padStart(8), 'total'.padStart(8), 'p50 ms'.padStart(8), 'KB/call'.padStart(8), '  blocks (server/worker)'].join(''));
  for (const s of servers) {
    const blocks = s.server.map((v, i) => `${v.toFixed(0)}/${s.worker[i].toFixed(0)}`).join(' ');
    const [srv, wrk] = [median(s.server), median(s.worker)];
    console.log([s.label.padEnd(16), srv.toFixed(0).padStart(8), wrk.toFixed(0).padStart(8), median(s.workerMain).toFixed(0).padStart(8), (srv + wrk).toFixed(0).padStart(8), median(s.p50).toFixed(3).padStart(8), (median(s.allocated) / 1024).toFixed(1).padStart(8), `  ${blocks}`].join(''));
  }
} finally {
  await client.close();
  for (const s of servers) await s.spearlet.close();
}
