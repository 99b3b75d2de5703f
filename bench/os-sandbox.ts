/**
 * The OS sandbox's cost (`npm run bench -- --only os-sandbox`): spearlet with process isolation,
 * with `--os-sandbox=off` and with `auto` (every layer this host allows), measured in turn:
 * - worker start: a new sandbox worker process, from fork to its ready message;
 * - replacement: a shared worker killed with SIGKILL until the Supervisor has a ready one again
 *   (this includes the Supervisor's back-off of 100 ms before a first restart);
 * - warm invoke p50 at concurrency 1 and throughput at concurrency 32, through gRPC.
 * Figures are medians over the runs.
 */
import type { OsSandboxMode } from '../src/config.js';
import { RemoteRuntime } from '../src/sandbox/remote-runtime.js';
import type { Supervisor } from '../src/sandbox/supervisor.js';
import { WorkerProcess } from '../src/sandbox/worker-process.js';
import type { LoadClient } from './client-process.js';
import { type Counts, warmGrpc } from './scenarios.js';
import { type BenchServer, startSpearlet } from './spearlet.js';
import { type LatencySummary, median, medianSummary } from './stats.js';

export const OS_SANDBOX_MODES: readonly OsSandboxMode[] = ['off', 'auto'];

export interface OsSandboxFigures {
  /** GetHealth's os_sandbox for that server. */
  layers: string;
  workerStartMs: number;
  replaceMs: number;
  c1: LatencySummary;
  c32: LatencySummary;
}

/** A worker exists for long enough that its slot's back-off resets (Supervisor STABLE_MS). */
const STABLE_WAIT_MS = 10_500;

export async function measureOsSandbox(client: LoadClient, counts: Counts, runs: number, log: (m: string) => void): Promise<Partial<Record<OsSandboxMode, OsSandboxFigures>>> {
  const servers = new Map<OsSandboxMode, BenchServer>();
  const starts = new Map<OsSandboxMode, number[]>();
  const replaces = new Map<OsSandboxMode, number[]>();
  const warm = new Map<OsSandboxMode, { c1: LatencySummary[]; c32: LatencySummary[] }>();
  try {
    for (const mode of OS_SANDBOX_MODES) {
      servers.set(mode, await startSpearlet('process', { osSandbox: mode, sandboxWorkers: 2 }));
      starts.set(mode, []);
      replaces.set(mode, []);
      warm.set(mode, { c1: [], c32: [] });
    }
    for (let run = 1; run <= runs; run++) {
      log(`os-sandbox: run ${run} of ${runs}`);
      // Modes take turns within a run, so a drift in the machine's speed weighs on both.
      for (const [mode, server] of servers) {
        const sup = supervisorOf(server);
        for (let i = 0; i < 3; i++) starts.get(mode)!.push(await startOneWorker(server, sup));
        warm.get(mode)!.c1.push(await warmGrpc(client, server, 1, counts));
        warm.get(mode)!.c32.push(await warmGrpc(client, server, 32, counts));
      }
      await new Promise((r) => setTimeout(r, STABLE_WAIT_MS));
      for (const [mode, server] of servers) replaces.get(mode)!.push(await replaceOneWorker(supervisorOf(server)));
    }
    const out: Partial<Record<OsSandboxMode, OsSandboxFigures>> = {};
    for (const [mode, server] of servers) {
      const info = server.running.core.runtimes.systemInfo();
      out[mode] = {
        layers: info.os_sandbox ?? 'unknown',
        workerStartMs: median(starts.get(mode)!),
        replaceMs: median(replaces.get(mode)!),
        c1: medianSummary(warm.get(mode)!.c1),
        c32: medianSummary(warm.get(mode)!.c32),
      };
    }
    return out;
  } finally {
    for (const server of servers.values()) await server.close();
  }
}

function supervisorOf(server: BenchServer): Supervisor {
  const runtime = server.running.core.runtimes.byRuntimeName('v8-isolate');
  if (!(runtime instanceof RemoteRuntime)) throw new Error('the server does not run with process isolation');
  return runtime.supervisor;
}

/** Starts one extra worker the way the Supervisor does; ms until it is ready. Retires it after. */
async function startOneWorker(server: BenchServer, sup: Supervisor): Promise<number> {
  const t0 = performance.now();
  let worker: WorkerProcess | undefined;
  const ready = new Promise<number>((resolve, reject) => {
    worker = new WorkerProcess({
      config: server.running.core.config,
      heapMb: 128,
      ...(sup.osSandbox ? { osSandbox: sup.osSandbox } : {}),
      events: { ready: () => resolve(performance.now() - t0), heartbeat: () => {}, fault: () => {}, callEnded: () => {}, exit: (_w, reason) => reject(new Error(`the bench worker ${reason}`)) },
    });
  });
  try {
    return await ready;
  } finally {
    await worker?.retire(2_000);
  }
}

/** SIGKILLs a ready shared worker; ms until the Supervisor has as many ready shared workers again. */
async function replaceOneWorker(sup: Supervisor): Promise<number> {
  const shared = () => sup.describe().filter((w) => w.tenant === undefined && w.state === 'ready');
  const before = shared();
  const victim = before[0];
  if (!victim) throw new Error('no ready shared worker to kill');
  const t0 = performance.now();
  process.kill(victim.pid, 'SIGKILL');
  for (;;) {
    const now = shared();
    if (now.length >= before.length && !now.some((w) => w.pid === victim.pid)) return performance.now() - t0;
    if (performance.now() - t0 > 60_000) throw new Error('the killed worker was not replaced within 60 s');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The Markdown section printed after the main table. */
export function renderOsSandboxTable(figures: Partial<Record<OsSandboxMode, OsSandboxFigures>>): string {
  const rows = OS_SANDBOX_MODES.filter((m) => figures[m]).map((m) => {
    const f = figures[m]!;
    return `| ${m} | ${f.workerStartMs.toFixed(0)} | ${f.replaceMs.toFixed(0)} | ${f.c1.p50.toFixed(3)} | ${f.c1.opsPerSec.toFixed(0)} | ${f.c32.opsPerSec.toFixed(0)} |`;
  });
  const layers = OS_SANDBOX_MODES.filter((m) => figures[m]).map((m) => `- ${m}: ${figures[m]!.layers}`);
  return [
    '',
    '### OS sandbox cost (process isolation, --os-sandbox off vs auto)',
    '',
    '| os sandbox | worker start ms | killed-worker replacement ms | warm p50 ms (c=1) | warm ops/s (c=1) | warm ops/s (c=32) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...layers,
    '',
  ].join('\n');
}
