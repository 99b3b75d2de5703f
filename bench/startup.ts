/**
 * Start-up times, side by side: the `spearlet` CLI (`--help`, `--version`, a client command)
 * against bare `node -e 0`, taken in turn so machine drift weighs on both alike; server start to
 * serving (spawn of `spearlet serve` until it logs that it serves gRPC); and sandbox worker start
 * (fork until the worker reports ready), compiled (dist/) and through tsx (the sources, as before
 * the compiled build), also in turn.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/spearlet.js');

export interface StartupResults {
  /** Median wall time in ms of each command, `samples` runs each, taken in turn. */
  cli: Record<string, number>;
  /** spearlet --help over node -e 0. */
  helpRatio: number;
  serverStartMs: number;
  workerStartMs: { compiled: number; tsx: number };
  samples: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (ms: number) => Math.round(ms * 10) / 10;

function timeCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'ignore' });
  if (r.status === null) throw new Error(`${args.join(' ')} was killed`);
  return performance.now() - started;
}

/** Spawns `spearlet serve` and resolves with the ms until its 'serving gRPC' log line, and its address. */
async function startServer(dataDir: string): Promise<{ ms: number; address: string; child: ChildProcess }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--log-level', 'info'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /spearlet serving gRPC on ([\d.:]+)/.exec(out);
      if (m) resolve({ ms: performance.now() - started, address: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`spearlet serve exited with ${code} before serving:\n${out}`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** ms from fork to 'ready' of one sandbox worker, from the module at `modulePath` (dist/ or src/). */
async function workerStart(modulePath: string): Promise<number> {
  const { WorkerProcess } = (await import(modulePath)) as typeof import('../src/sandbox/worker-process.js');
  const config = resolveConfig({ dataDir: os.tmpdir() });
  const started = performance.now();
  let worker: InstanceType<typeof WorkerProcess> | undefined;
  const ms = await new Promise<number>((resolve, reject) => {
    worker = new WorkerProcess({
      config,
      heapMb: 512,
      events: { ready: () => resolve(performance.now() - started), heartbeat: () => {}, fault: () => {}, callEnded: () => {}, exit: (_w, reason) => reject(new Error(`worker ${reason}`)) },
    });
  });
  await worker?.retire(2_000);
  return ms;
}

export async function measureStartup(samples: number, log: (line: string) => void): Promise<StartupResults> {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run npm run build');
  const series: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'spearlet --help': [BIN, '--help'],
    'spearlet --version': [BIN, '--version'],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(series).map((k) => [k, []]));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-bench-start-'));
  try {
    const serverStarts: number[] = [];
    // Each server start also serves one sample of a client command against it.
    times['spearlet health (client command)'] = [];
    for (let i = 0; i < samples; i++) {
      for (const [name, args] of Object.entries(series)) times[name].push(timeCommand(args));
      if (i < Math.min(samples, 5)) {
        const server = await startServer(path.join(dataDir, String(i)));
        serverStarts.push(server.ms);
        times['spearlet health (client command)'].push(timeCommand([BIN, 'health', '--target', server.address]));
        await stopServer(server.child);
      }
    }
    const compiled: number[] = [];
    const tsx: number[] = [];
    for (let i = 0; i < Math.min(samples, 5); i++) {
      compiled.push(await workerStart(path.join(ROOT, 'dist/src/sandbox/worker-process.js')));
      tsx.push(await workerStart(path.join(ROOT, 'src/sandbox/worker-process.ts')));
    }
    const cli = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(median(v))]));
    const results: StartupResults = {
      cli,
      helpRatio: round(cli['spearlet --help'] / cli['node -e 0']),
      serverStartMs: round(median(serverStarts)),
      workerStartMs: { compiled: round(median(compiled)), tsx: round(median(tsx)) },
      samples,
    };
    log(`startup: ${JSON.stringify(results)}`);
    return results;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The start-up table. */
export function renderStartup(r: StartupResults): string {
  const lines = [`\nStart-up (median of ${r.samples}, taken in turn; ms)`];
  for (const [name, ms] of Object.entries(r.cli)) lines.push(`  ${name.padEnd(34)} ${String(ms).padStart(8)}`);
  lines.push(`  ${'spearlet --help / node -e 0'.padEnd(34)} ${`${r.helpRatio}x`.padStart(8)}   (target <= 2x)`);
  lines.push(`  ${'server start to serving'.padEnd(34)} ${String(r.serverStartMs).padStart(8)}`);
  lines.push(`  ${'sandbox worker start, compiled'.padEnd(34)} ${String(r.workerStartMs.compiled).padStart(8)}`);
  lines.push(`  ${'sandbox worker start, tsx (before)'.padEnd(34)} ${String(r.workerStartMs.tsx).padStart(8)}`);
  return `${lines.join('\n')}\n`;
}
