/**
 * The bars this benchmark is held to (issue #5), and where a run's figures stand against them.
 */
import type { BenchResults } from './results.js';
import { workerdTargets } from './targets-workerd.js';

export interface TargetResult {
  name: string;
  bar: string;
  measured: string;
  /** undefined when the figure could not be measured (e.g. a missing fixture). */
  met: boolean | undefined;
  /** Printed instead of met/MISSED for a row that is a measured bound, not a target. */
  status?: string;
}

const GiB = 1024 ** 3;
const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

export function evaluateTargets(r: BenchResults): TargetResult[] {
  const targets: TargetResult[] = [];
  const warm = r.spearlet.warm[r.defaultIsolation];
  const noop = r.peers.noopGrpc;
  if (warm && noop) {
    // The floor of the isolation mode (the no-op handler plus the hop and isolate entry no
    // implementation of it can skip), where measured, is shown beside the figure.
    const floor = r.peers.floors[r.defaultIsolation];
    const floorNote = (figure: string) => (floor ? `; ${r.defaultIsolation} isolation's floor alone: ${figure}` : '');
    const ratio = warm.c1.p50 / noop.c1.p50;
    targets.push({
      name: 'warm invoke through gRPC, p50 vs the no-op handler',
      bar: '≤ 1.5×',
      measured: `${fmt(ratio)}× (${fmt(warm.c1.p50, 3)} vs ${fmt(noop.c1.p50, 3)} ms)${floorNote(`${fmt(floor ? floor.c1.p50 / noop.c1.p50 : NaN)}×`)}`,
      met: ratio <= 1.5,
    });
    const share = warm.c32.opsPerSec / noop.c32.opsPerSec;
    targets.push({
      name: 'warm invoke through gRPC, throughput at c=32 vs the no-op handler',
      bar: '≥ 70%',
      measured: `${fmt(100 * share, 0)}% (${fmt(warm.c32.opsPerSec, 0)} vs ${fmt(noop.c32.opsPerSec, 0)} calls/s)${floorNote(`${fmt(floor ? (100 * floor.c32.opsPerSec) / noop.c32.opsPerSec : NaN, 0)}%`)}`,
      met: share >= 0.7,
    });
  }
  const { compute, wasm } = r.spearlet;
  const cold = r.spearlet.cold[r.defaultIsolation];
  if (cold) {
    targets.push({ name: 'cold first invoke of a new JS task, inside the server, p50', bar: '≤ 2 ms', measured: `${fmt(cold.inServer.p50)} ms`, met: cold.inServer.p50 <= 2 });
    targets.push({ name: 'cold first invoke of a new JS task, through gRPC, p50', bar: '≤ 3 ms', measured: `${fmt(cold.grpc.p50)} ms`, met: cold.grpc.p50 <= 3 });
  }
  const { computeInServer, computeRaw, computeRawGrpc } = r.spearlet;
  if (compute && computeInServer && computeRaw && computeRawGrpc) {
    const viaGrpc = compute.p50 / computeRawGrpc.p50;
    const inServer = computeInServer.p50 / computeRaw.p50;
    targets.push({
      name: `compute-heavy invoke, fib(${r.fibN}), vs raw isolated-vm, measured in turn: through gRPC (raw behind a grpc-js handler) and in the server (raw in-process)`,
      bar: '≤ 1.2× both',
      measured: `${fmt(viaGrpc)}× (${fmt(compute.p50)} vs ${fmt(computeRawGrpc.p50)} ms); ${fmt(inServer)}× (${fmt(computeInServer.p50)} vs ${fmt(computeRaw.p50)} ms)`,
      met: viaGrpc <= 1.2 && inServer <= 1.2,
    });
  }
  const memory = r.spearlet.memory[r.defaultIsolation];
  if (memory) {
    const total = memory.perInstanceBytes * 1000;
    targets.push({ name: '1,000 warm idle instances, resident memory', bar: '≤ 1.5 GiB', measured: `${fmt(total / GiB)} GiB (${fmt(memory.perInstanceBytes / 1024 ** 2)} MiB each)`, met: total <= 1.5 * GiB });
  }
  if (warm) {
    if (wasm) {
      const ratio = wasm.p50 / warm.c1.p50;
      targets.push({ name: 'Wasm warm invoke vs JS warm invoke, p50 through gRPC', bar: '≤ 1.2×', measured: `${fmt(ratio)}× (${fmt(wasm.p50, 3)} vs ${fmt(warm.c1.p50, 3)} ms)`, met: ratio <= 1.2 });
    } else if (r.spearlet.wasmMissing) {
      targets.push({ name: 'Wasm warm invoke vs JS warm invoke, p50 through gRPC', bar: '≤ 1.2×', measured: r.spearlet.wasmMissing, met: undefined });
    }
  }
  targets.push(...workerdTargets(r));
  return targets;
}
