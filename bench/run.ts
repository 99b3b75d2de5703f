/**
 * `npm run bench [-- --quick] [--runs N] [--only warm,cold,compute,peers,memory,startup,storage,os-sandbox] [--out FILE]`
 *
 * Measures spearlet and its peers side by side in one run on one machine, prints a Markdown table
 * (every figure the median of several runs, with ratios against the peers and the targets) and
 * writes the results as JSON: bench/results/latest.json for a full run, quick.json for --quick.
 * A script, not a test: nothing here asserts, it reports.
 *
 * The servers (spearlet with the default isolation, spearlet in-process when that is not the
 * default, and a no-op grpc-js handler, which also serves each isolation mode's floor: see
 * FLOOR_TASK) and the in-process peers live in this process; the gRPC
 * load comes from a child process; the memory scenario runs in a fresh process of its own.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULTS, type IsolationMode } from '../src/config.js';
import { LoadClient } from './client-process.js';
import { COLD_TASK_TEMPLATE, FIB_N } from './guests.js';
import { measureMemory } from './memory.js';
import { measureOsSandbox, renderOsSandboxTable } from './os-sandbox.js';
import { type InProcessPeer, RAW_IVM, startInProcessPeers } from './peers.js';
import { type Floors, startFloors } from './floors.js';
import type { BenchResults } from './results.js';
import { type Counts, coldGrpc, computeInterleaved, floorGrpc, noopGrpc, warmGrpc } from './scenarios.js';
import { sampleResponse } from './spearlet.js';
import { type SpearletProcess, startSpearletProcess } from './spearlet-process.js';
import { measureStartup, renderStartup } from './startup.js';
import { type LatencySummary, closedLoop, medianSummary } from './stats.js';
import { renderTable } from './table.js';
import { measureStorage, renderStorage, storageSizes } from './storage.js';
import { evaluateTargets } from './targets.js';
import { type WorkerdPeer, startWorkerd, workerdVersion } from './workerd.js';
import { coldWorkerd, loadBenchTask, measureWorkerdMemory, warmWorkerd } from './workerd-scenarios.js';

const SCENARIOS = ['warm', 'cold', 'compute', 'peers', 'memory', 'startup', 'storage', 'os-sandbox'] as const;
type Scenario = (typeof SCENARIOS)[number];

// Warm-up calls run before every measured run: a fresh server's store and JIT take a few thousand
// calls to reach their steady state.
const FULL: Counts = { warm1: 2000, warm32: 4000, warmup: 1000, cold: 20, coldGapMs: 100, fib: 20, fibSlow: 2 };
const QUICK: Counts = { warm1: 500, warm32: 1000, warmup: 300, cold: 8, coldGapMs: 100, fib: 5, fibSlow: 1 };

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Blocks per run of the warm comparisons (see the warm scenario). */
const BLOCKS = 4;
/**
 * Blocks per run of the HTTP series at c=1 that issue #20 compares with workerd (spearlet's HTTP
 * trigger, workerd, the HTTP floors): short blocks, so two series compared are measured seconds
 * apart, not a minute; with 4 blocks their ratio moved by a third between runs.
 */
const HTTP_C1_BLOCKS = 20;

/** Figures measured in turn: a key and the measurement of one block. */
type Series = Array<[key: string, measure: () => Promise<LatencySummary>]>;

/** `series` starting at its `shift`-th element. */
function rotated(series: Series, shift: number): Series {
  const k = shift % series.length;
  return [...series.slice(k), ...series.slice(0, k)];
}

/** Collects one summary per run under a key and gives back the medians. */
class Runs {
  private readonly byKey = new Map<string, LatencySummary[]>();

  add(key: string, s: LatencySummary): void {
    const list = this.byKey.get(key) ?? [];
    list.push(s);
    this.byKey.set(key, list);
  }

  median(key: string): LatencySummary | undefined {
    const list = this.byKey.get(key);
    return list && list.length > 0 ? medianSummary(list) : undefined;
  }

  /** The c=1 and c=32 medians of a series measured at both (`<prefix>.c1`, `<prefix>.c32`), when both were. */
  pair(prefix: string): { c1: LatencySummary; c32: LatencySummary } | undefined {
    const c1 = this.median(`${prefix}.c1`);
    const c32 = this.median(`${prefix}.c32`);
    return c1 && c32 ? { c1, c32 } : undefined;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      'memory-instances': { type: 'string', default: '1000' },
    },
  });
  const quick = values.quick === true;
  const counts = quick ? QUICK : FULL;
  const runs = Number(values.runs ?? (quick ? 3 : 5));
  const only = new Set((values.only?.split(',') ?? SCENARIOS) as Scenario[]);
  for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`--only: unknown scenario '${s}' (known: ${SCENARIOS.join(', ')})`);
  const memoryInstances = Number(values['memory-instances']);
  const defaultIsolation = DEFAULTS.isolation as IsolationMode;
  const modes: IsolationMode[] = defaultIsolation === 'in-process' ? ['in-process'] : [defaultIsolation, 'in-process'];

  const results: BenchResults = {
    date: new Date().toISOString(),
    quick,
    runs,
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageAtStart: os.loadavg() },
    defaultIsolation,
    fibN: FIB_N,
    spearlet: { cold: {}, warm: {}, memory: {} },
    peers: { inProcess: {}, floors: {} },
    targets: [],
  };
  log(`${quick ? 'quick' : 'full'} run, ${runs} runs per figure, scenarios: ${[...only].join(', ')}; default isolation: ${defaultIsolation}`);

  const needServers = only.has('warm') || only.has('cold') || only.has('compute');
  const client = needServers ? await LoadClient.start() : undefined;
  const servers = new Map<IsolationMode, SpearletProcess>();
  const peers: InProcessPeer[] = only.has('peers') || only.has('compute') ? await startInProcessPeers() : [];
  const raw = peers.find((p) => p.name === RAW_IVM);
  const noop: Floors | undefined = needServers ? await startFloors(only.has('warm') || only.has('compute') ? DEFAULTS.sandboxWorkers : 0) : undefined;
  let workerd: WorkerdPeer | undefined;
  try {
    if (needServers) {
      try {
        workerd = await startWorkerd();
        await loadBenchTask(workerd);
        results.peers.workerd = { version: workerd.version };
      } catch (err) {
        results.peers.workerdMissing = `not measured: ${(err as Error).message}`;
        log(`workerd ${results.peers.workerdMissing}`);
      }
    }
    if (needServers) for (const mode of only.has('warm') || only.has('cold') ? modes : [defaultIsolation]) servers.set(mode, await startSpearletProcess(mode));
    const def = servers.get(defaultIsolation);
    if (def && noop) await noop.setFloorResponse(await sampleResponse(def));
    if (def && def.wasmTaskId === undefined) results.spearlet.wasmMissing = 'not measured: fixtures/wasm/add.wasm is missing (built by fixtures/wasm/build.mjs)';

    const r = new Runs();
    for (let run = 1; run <= runs; run++) {
      log(`run ${run} of ${runs}`);
      if (only.has('warm') && client && noop && def) {
        // Series compared with each other take turns in blocks, in an order that rotates, so a
        // drift in the shared machine's speed (2-3x within minutes here) weighs on all alike.
        const block: Counts = { ...counts, warm1: counts.warm1 / BLOCKS, warm32: counts.warm32 / BLOCKS, warmup: counts.warmup / BLOCKS };
        const short = { warm1: Math.round(counts.warm1 / HTTP_C1_BLOCKS), warmup: Math.round(counts.warmup / HTTP_C1_BLOCKS) };
        const c1: Series = [['noop.c1', () => noopGrpc(client, noop.address, 1, block)]];
        const http1: Series = [];
        const c32: Series = [['noop.c32', () => noopGrpc(client, noop.address, 32, block)]];
        for (const [mode, server] of servers) {
          c1.push([`warm.${mode}.c1`, () => warmGrpc(client, server, 1, block)]);
          c32.push([`warm.${mode}.c32`, () => warmGrpc(client, server, 32, block)]);
          c1.push([`floor.${mode}.c1`, () => floorGrpc(client, noop.address, mode, 1, block)]);
          c32.push([`floor.${mode}.c32`, () => floorGrpc(client, noop.address, mode, 32, block)]);
        }
        if (def.wasmTaskId) c1.push(['wasm', () => warmGrpc(client, def, 1, block, def.wasmTaskId)]);
        if (workerd) {
          const wd = workerd;
          http1.push(['workerd.c1', () => warmWorkerd(client, wd, 1, short.warm1, short.warmup)]);
          c32.push(['workerd.c32', () => warmWorkerd(client, wd, 32, block.warm32, block.warmup)]);
        }
        {
          const url = `${def.httpUrl}/v1/tasks/${def.jsTaskId}/add`;
          http1.push(['http.c1', () => client.http(url, { a: 2, b: 3 }, 5, short.warm1, 1, short.warmup)]);
          c32.push(['http.c32', () => client.http(url, { a: 2, b: 3 }, 5, block.warm32, 32, block.warmup)]);
        }
        const inProcess = servers.get('in-process');
        if (inProcess && inProcess !== def) {
          const url = `${inProcess.httpUrl}/v1/tasks/${inProcess.jsTaskId}/add`;
          http1.push(['httpInProcess.c1', () => client.http(url, { a: 2, b: 3 }, 5, short.warm1, 1, short.warmup)]);
          c32.push(['httpInProcess.c32', () => client.http(url, { a: 2, b: 3 }, 5, block.warm32, 32, block.warmup)]);
        }
        if (noop) {
          const url = noop.url;
          http1.push(['noopHttp.c1', () => client.http(url, { a: 2, b: 3 }, 5, short.warm1, 1, short.warmup)]);
          c32.push(['noopHttp.c32', () => client.http(url, { a: 2, b: 3 }, 5, block.warm32, 32, block.warmup)]);
          if (noop.processFloor) {
            http1.push(['floorHttp.c1', () => client.http(`${url}/floor`, { a: 2, b: 3 }, 5, short.warm1, 1, short.warmup)]);
            c32.push(['floorHttp.c32', () => client.http(`${url}/floor`, { a: 2, b: 3 }, 5, block.warm32, 32, block.warmup)]);
          }
          const worker = noop.workerHttpUrl;
          http1.push(['floorWorkerHttp.c1', () => client.http(worker, { a: 2, b: 3 }, 5, short.warm1, 1, short.warmup)]);
          c32.push(['floorWorkerHttp.c32', () => client.http(worker, { a: 2, b: 3 }, 5, block.warm32, 32, block.warmup)]);
        }
        for (let b = 0; b < BLOCKS; b++) for (const [key, measure] of rotated(c1, b)) r.add(key, await measure());
        for (let b = 0; b < HTTP_C1_BLOCKS; b++) for (const [key, measure] of rotated(http1, b)) r.add(key, await measure());
        for (const [mode, server] of servers) r.add(`warm.${mode}.inServer`, await server.warmInServer(counts.warm1, counts.warmup));
        for (let b = 0; b < BLOCKS; b++) for (const [key, measure] of rotated(c32, b)) r.add(key, await measure());
      }
      if (only.has('peers') || only.has('compute')) {
        for (const peer of peers) {
          if (only.has('peers')) r.add(`${peer.name}.add`, await closedLoop(() => peer.add(2, 3), counts.warm1, 1, counts.warmup));
          const fibCount = peer.name === 'quickjs-emscripten' ? counts.fibSlow : counts.fib;
          r.add(`${peer.name}.fib`, await closedLoop(() => peer.fib(FIB_N), fibCount, 1, 1));
        }
      }
      if (only.has('compute') && client && def && raw && noop) {
        const series = await computeInterleaved(client, def, raw, noop, counts, workerd);
        r.add('compute', series.grpc);
        r.add('computeInServer', series.inServer);
        r.add('computeRaw', series.raw);
        r.add('computeRawGrpc', series.rawGrpc);
        r.add('computeFloor', series.floorGrpc);
        r.add('computeHttp', series.http);
        r.add('computeFloorHttp', series.floorHttp);
        if (series.workerd) r.add('workerd.fib', series.workerd);
      }
      if (only.has('cold') && client) {
        for (const [mode, server] of servers) {
          r.add(`cold.${mode}.inServer`, await server.coldInServer(counts.cold, counts.coldGapMs));
          r.add(`cold.${mode}.grpc`, await coldGrpc(client, server, counts));
        }
        // The transport alone, woken by the same requests after the same pauses.
        if (noop) r.add('noop.afterPause', await client.cold(noop.address, COLD_TASK_TEMPLATE, counts.cold, counts.coldGapMs, 'noop'));
        if (workerd) r.add('workerd.cold', await coldWorkerd(client, workerd, counts.cold, counts.coldGapMs));
      }
    }

    const s = results.spearlet;
    for (const mode of servers.keys()) {
      const inServer = r.median(`cold.${mode}.inServer`);
      const grpc = r.median(`cold.${mode}.grpc`);
      if (inServer && grpc) s.cold[mode] = { inServer, grpc };
      const c1 = r.median(`warm.${mode}.c1`);
      const c32 = r.median(`warm.${mode}.c32`);
      const warmIn = r.median(`warm.${mode}.inServer`);
      if (c1 && c32 && warmIn) s.warm[mode] = { c1, c32, inServer: warmIn };
      const floor = r.pair(`floor.${mode}`);
      if (floor) results.peers.floors[mode] = floor;
    }
    s.compute = r.median('compute');
    s.computeInServer = r.median('computeInServer');
    s.computeRaw = r.median('computeRaw');
    s.computeRawGrpc = r.median('computeRawGrpc');
    s.computeFloor = r.median('computeFloor');
    s.computeHttp = r.median('computeHttp');
    s.computeFloorHttp = r.median('computeFloorHttp');
    s.wasm = r.median('wasm');
    results.peers.noopGrpc = r.pair('noop');
    results.peers.noopAfterPause = r.median('noop.afterPause');
    results.spearlet.http = r.pair('http');
    results.spearlet.httpInProcess = r.pair('httpInProcess');
    results.peers.floorHttp = r.pair('floorHttp');
    results.peers.floorWorkerHttp = r.pair('floorWorkerHttp');
    results.peers.noopHttp = r.pair('noopHttp');
    if (results.peers.workerd) {
      const w = results.peers.workerd;
      w.c1 = r.median('workerd.c1');
      w.c32 = r.median('workerd.c32');
      w.cold = r.median('workerd.cold');
      w.fib = r.median('workerd.fib');
    }
    for (const peer of peers) {
      const add = r.median(`${peer.name}.add`);
      const fib = r.median(`${peer.name}.fib`);
      if (fib) results.peers.inProcess[peer.name] = { add: add ?? { p50: NaN, p99: NaN, opsPerSec: NaN, count: 0 }, fib };
    }
  } finally {
    for (const peer of peers) await peer.close();
    for (const server of servers.values()) await server.close();
    await noop?.close();
    await workerd?.close();
    await client?.close();
  }

  if (only.has('memory')) {
    for (const mode of modes) {
      log(`memory: ${memoryInstances} warm idle instances, ${mode} isolation`);
      results.spearlet.memory[mode] = await measureMemory(mode, memoryInstances);
    }
    log(`memory: workerd with ${memoryInstances} loaded idle workers`);
    try {
      const memory = await measureWorkerdMemory(memoryInstances);
      results.peers.workerd = { version: results.peers.workerd?.version ?? workerdVersion(), ...results.peers.workerd, memory };
    } catch (err) {
      results.peers.workerdMissing ??= `memory not measured: ${(err as Error).message}`;
    }
  }

  if (only.has('startup')) results.startup = await measureStartup(quick ? 5 : 20, log);
  if (only.has('storage')) {
    const sizes = storageSizes(process.env, quick);
    log(`storage: stores of ${sizes.join(' and ')} executions`);
    results.storage = await measureStorage(sizes);
  }

  if (only.has('os-sandbox')) {
    const osClient = await LoadClient.start();
    try {
      results.osSandbox = await measureOsSandbox(osClient, counts, quick ? 1 : 3, log);
    } finally {
      await osClient.close();
    }
  }

  results.targets = evaluateTargets(results);
  process.stdout.write(renderTable(results));
  if (results.startup) process.stdout.write(renderStartup(results.startup));
  if (results.storage) process.stdout.write(renderStorage(results.storage));
  if (results.osSandbox) process.stdout.write(renderOsSandboxTable(results.osSandbox));
  const out = values.out ?? new URL(`./results/${quick ? 'quick' : only.size < SCENARIOS.length ? 'partial' : 'latest'}.json`, import.meta.url).pathname;
  await fs.writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${out}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
