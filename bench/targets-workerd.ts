/**
 * The bars against Cloudflare's workerd (issue #20), measured in the same run: spearlet over gRPC
 * (and over its HTTP trigger, when the run measured one) against workerd over HTTP/1.1.
 */
import type { BenchResults } from './results.js';
import type { TargetResult } from './targets.js';

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

export function workerdTargets(r: BenchResults): TargetResult[] {
  const wd = r.peers.workerd;
  if (!wd) return r.peers.workerdMissing ? [{ name: 'every target against workerd', bar: '', measured: r.peers.workerdMissing, met: undefined }] : [];
  const targets: TargetResult[] = [];
  const warm = r.spearlet.warm[r.defaultIsolation];
  const http = r.spearlet.http;
  if (wd.c1) {
    targets.push(
      http
        ? { name: 'warm invoke p50, c=1, HTTP trigger vs workerd', bar: '≤ 1.5×', measured: `${fmt(http.c1.p50 / wd.c1.p50)}× (${fmt(http.c1.p50, 3)} vs ${fmt(wd.c1.p50, 3)} ms)`, met: http.c1.p50 / wd.c1.p50 <= 1.5 }
        : { name: 'warm invoke p50, c=1, HTTP trigger vs workerd', bar: '≤ 1.5×', measured: 'not measured: this build has no HTTP trigger', met: undefined },
    );
  }
  const floorHttp = r.peers.floorHttp;
  if (wd.c1 && floorHttp) {
    // Not a target: what any process-isolated design pays before doing anything of its own.
    targets.push({ name: 'reference: the HTTP floor of process isolation (no-op node:http + one IPC hop to an isolate process) vs workerd, c=1', bar: '', measured: `${fmt(floorHttp.c1.p50 / wd.c1.p50)}× (${fmt(floorHttp.c1.p50, 3)} vs ${fmt(wd.c1.p50, 3)} ms)`, met: undefined, status: 'reference' });
  }
  const floorWorker = r.peers.floorWorkerHttp;
  if (wd.c1 && floorWorker) {
    // Not a target: the floor of the design that would lift the c=1 figure (bench/worker-http-child.ts).
    targets.push({ name: 'reference: the floor of HTTP served by the isolate\'s own process, record appended before the answer, vs workerd, c=1', bar: '', measured: `${fmt(floorWorker.c1.p50 / wd.c1.p50)}× (${fmt(floorWorker.c1.p50, 3)} vs ${fmt(wd.c1.p50, 3)} ms)`, met: undefined, status: 'reference' });
  }
  const httpIn = r.spearlet.httpInProcess;
  if (wd.c1 && httpIn) {
    targets.push({ name: 'warm invoke p50, c=1, HTTP trigger with in-process isolation vs workerd', bar: '≤ 1.5×', measured: `${fmt(httpIn.c1.p50 / wd.c1.p50)}× (${fmt(httpIn.c1.p50, 3)} vs ${fmt(wd.c1.p50, 3)} ms)`, met: httpIn.c1.p50 / wd.c1.p50 <= 1.5 });
  }
  const noop = r.peers.noopGrpc;
  const noopHttp = r.peers.noopHttp;
  if (warm && wd.c1 && noop && noopHttp) {
    const ours = warm.c1.p50 / noop.c1.p50;
    const theirs = wd.c1.p50 / noopHttp.c1.p50;
    targets.push({
      name: 'warm invoke p50, c=1, each over its transport\'s no-op server: spearlet/no-op gRPC vs workerd/no-op HTTP',
      bar: '≤ workerd\'s',
      measured: `${fmt(ours)}× vs ${fmt(theirs)}× (${fmt(warm.c1.p50, 3)}/${fmt(noop.c1.p50, 3)} ms vs ${fmt(wd.c1.p50, 3)}/${fmt(noopHttp.c1.p50, 3)} ms)`,
      met: ours <= theirs,
    });
  }
  const c32 = http?.c32 ?? warm?.c32;
  if (c32 && wd.c32) {
    const share = c32.opsPerSec / wd.c32.opsPerSec;
    targets.push({ name: `warm throughput, c=32, ${http ? 'HTTP trigger' : 'gRPC'} vs workerd`, bar: '≥ 0.5×', measured: `${fmt(share)}× (${fmt(c32.opsPerSec, 0)} vs ${fmt(wd.c32.opsPerSec, 0)} calls/s)`, met: share >= 0.5 });
  }
  const cold = r.spearlet.cold[r.defaultIsolation];
  if (cold && wd.cold) {
    const ratio = cold.grpc.p50 / wd.cold.p50;
    targets.push({ name: 'cold first call of new code, p50, gRPC vs workerd\'s Worker Loader', bar: '≤ 1.0×', measured: `${fmt(ratio)}× (${fmt(cold.grpc.p50)} vs ${fmt(wd.cold.p50)} ms)`, met: ratio <= 1 });
  }
  // Like for like: over HTTP, as workerd is called, when the run measured the HTTP trigger.
  const grpcCompute = r.spearlet.compute;
  const compute = r.spearlet.computeHttp ?? grpcCompute;
  if (compute && wd.fib) {
    const ratio = compute.p50 / wd.fib.p50;
    const via = r.spearlet.computeHttp ? 'HTTP trigger' : 'gRPC';
    const alsoGrpc = r.spearlet.computeHttp && grpcCompute ? `; gRPC ${fmt(grpcCompute.p50 / wd.fib.p50)}× (${fmt(grpcCompute.p50)} ms)` : '';
    targets.push({ name: `compute, fib(${r.fibN}), p50, ${via} vs workerd`, bar: '≤ 1.1×', measured: `${fmt(ratio)}× (${fmt(compute.p50)} vs ${fmt(wd.fib.p50)} ms)${alsoGrpc}`, met: ratio <= 1.1 });
  }
  const computeFloor = r.spearlet.computeFloorHttp ?? r.spearlet.computeFloor;
  if (computeFloor && wd.fib) {
    // Not a target: what fib(30) costs with one hop to an isolate process, nothing else.
    const via = r.spearlet.computeFloorHttp ? 'no-op node:http' : 'gRPC no-op handler';
    targets.push({ name: `reference: the compute floor of process isolation (${via} + one IPC hop to raw isolated-vm), fib(${r.fibN}), vs workerd`, bar: '', measured: `${fmt(computeFloor.p50 / wd.fib.p50)}× (${fmt(computeFloor.p50)} vs ${fmt(wd.fib.p50)} ms)`, met: undefined, status: 'reference' });
  }
  const memory = r.spearlet.memory[r.defaultIsolation];
  if (memory && wd.memory) {
    const ratio = memory.perInstanceBytes / wd.memory.perInstanceBytes;
    const mib = (b: number) => fmt(b / 1024 ** 2);
    targets.push({ name: 'memory per idle instance vs workerd per idle loaded worker', bar: '≤ 1.0×', measured: `${fmt(ratio)}× (${mib(memory.perInstanceBytes)} vs ${mib(wd.memory.perInstanceBytes)} MiB)`, met: ratio <= 1 });
  }
  return targets;
}
