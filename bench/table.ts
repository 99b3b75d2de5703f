/**
 * Renders a run's results as Markdown tables (they go into the README as they are): the figures
 * with their ratios against the peers, then the targets.
 */
import type { IsolationMode } from '../src/config.js';
import type { BenchResults } from './results.js';
import type { LatencySummary } from './stats.js';
import { RAW_IVM } from './peers.js';

interface Row {
  scenario: string;
  p50?: number;
  p99?: number;
  ops?: number;
  note?: string;
}

const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : x < 1 ? x.toPrecision(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));
const ops = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(0));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const percent = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;

function latencyRow(scenario: string, s: LatencySummary | undefined, note = '', withOps = true): Row[] {
  return s ? [{ scenario, p50: s.p50, p99: s.p99, ops: withOps ? s.opsPerSec : undefined, note }] : [];
}

function isolationLabel(mode: IsolationMode, r: BenchResults): string {
  return mode === r.defaultIsolation ? `${mode} isolation (default)` : `${mode} isolation`;
}

function spearletRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const noop = r.peers.noopGrpc;
  const raw = r.peers.inProcess[RAW_IVM];
  const s = r.spearlet;
  const defaultFirst = (a: IsolationMode, b: IsolationMode) => (a === r.defaultIsolation ? -1 : b === r.defaultIsolation ? 1 : 0);
  for (const mode of (Object.keys(s.cold) as IsolationMode[]).sort(defaultFirst)) {
    const c = s.cold[mode]!;
    rows.push(...latencyRow(`cold first invoke of a new JS task, in server, ${isolationLabel(mode, r)}`, c.inServer, 'register + first instance + call + store writes', false));
    const pause = r.peers.noopAfterPause;
    rows.push(...latencyRow(`cold first invoke of a new JS task, gRPC, ${isolationLabel(mode, r)}`, c.grpc, pause ? `no-op handler after the same pause: ${ms(pause.p50)} ms` : '', false));
  }
  const modes = (Object.keys(s.warm) as IsolationMode[]).sort(defaultFirst);
  for (const mode of modes) {
    const w = s.warm[mode]!;
    const floor = r.peers.floors[mode];
    const notes = [noop ? `p50 ${ratio(w.c1.p50, noop.c1.p50)} no-op handler` : '', floor ? `${ratio(w.c1.p50, floor.c1.p50)} its floor` : ''];
    rows.push(...latencyRow(`warm invoke, gRPC, c=1, ${isolationLabel(mode, r)}`, w.c1, notes.filter((n) => n !== '').join(', ')));
  }
  for (const mode of modes) {
    const w = s.warm[mode]!;
    const floor = r.peers.floors[mode];
    const notes = [noop ? `${percent(w.c32.opsPerSec, noop.c32.opsPerSec)} of no-op handler calls/s` : '', floor ? `${percent(w.c32.opsPerSec, floor.c32.opsPerSec)} of its floor's` : ''];
    rows.push(...latencyRow(`warm invoke, gRPC, c=32, ${isolationLabel(mode, r)}`, w.c32, notes.filter((n) => n !== '').join(', ')));
  }
  const def = s.warm[r.defaultIsolation];
  const inProc = s.warm['in-process'];
  if (def && inProc && r.defaultIsolation !== 'in-process') {
    rows.push({ scenario: 'cost of process isolation per warm invoke (c=1 p50)', note: `${ms(def.c1.p50 - inProc.c1.p50)} ms (${ratio(def.c1.p50, inProc.c1.p50)} in-process)` });
  }
  for (const mode of modes) {
    const w = s.warm[mode]!;
    rows.push(...latencyRow(`warm invoke, in server (no gRPC), c=1, ${isolationLabel(mode, r)}`, w.inServer, raw ? `p50 ${ratio(w.inServer.p50, raw.add.p50)} raw isolated-vm call` : ''));
  }
  const wd = r.peers.workerd;
  rows.push(...latencyRow(`warm invoke, HTTP trigger, c=1, ${isolationLabel(r.defaultIsolation, r)}`, s.http?.c1, wd?.c1 && s.http ? `p50 ${ratio(s.http.c1.p50, wd.c1.p50)} workerd` : ''));
  rows.push(...latencyRow(`warm invoke, HTTP trigger, c=32, ${isolationLabel(r.defaultIsolation, r)}`, s.http?.c32, wd?.c32 && s.http ? `${ratio(s.http.c32.opsPerSec, wd.c32.opsPerSec)} workerd calls/s` : ''));
  const hi = s.httpInProcess;
  rows.push(...latencyRow(`warm invoke, HTTP trigger, c=1, ${isolationLabel('in-process', r)}`, hi?.c1, wd?.c1 && hi ? `p50 ${ratio(hi.c1.p50, wd.c1.p50)} workerd` : ''));
  rows.push(...latencyRow(`warm invoke, HTTP trigger, c=32, ${isolationLabel('in-process', r)}`, hi?.c32, wd?.c32 && hi ? `${ratio(hi.c32.opsPerSec, wd.c32.opsPerSec)} workerd calls/s` : ''));
  rows.push(...latencyRow('Wasm warm invoke (`add`), gRPC, c=1', s.wasm, def && s.wasm ? `p50 ${ratio(s.wasm.p50, def.c1.p50)} JS warm invoke` : ''));
  if (!s.wasm && s.wasmMissing) rows.push({ scenario: 'Wasm warm invoke (`add`), gRPC, c=1', note: s.wasmMissing });
  const inTurn = s.computeRaw;
  const inTurnGrpc = s.computeRawGrpc;
  if (s.compute) {
    const apart = Object.entries(r.peers.inProcess).map(([name, p]) => `${ratio(s.compute!.p50, p.fib.p50)} ${name}`);
    const note = [inTurnGrpc ? `${ratio(s.compute.p50, inTurnGrpc.p50)} raw isolated-vm behind grpc-js in turn` : '', apart.length > 0 ? `measured apart: ${apart.join(', ')}` : ''];
    rows.push(...latencyRow(`compute-heavy invoke, fib(${r.fibN}), gRPC`, s.compute, note.filter((n) => n !== '').join('; '), false));
  }
  const wdFib = r.peers.workerd?.fib;
  rows.push(...latencyRow(`compute-heavy invoke, fib(${r.fibN}), HTTP trigger`, s.computeHttp, s.computeHttp && wdFib ? `${ratio(s.computeHttp.p50, wdFib.p50)} workerd in turn` : '', false));
  if (s.computeInServer && inTurn) {
    rows.push(...latencyRow(`compute-heavy invoke, fib(${r.fibN}), in server (no gRPC)`, s.computeInServer, `${ratio(s.computeInServer.p50, inTurn.p50)} raw isolated-vm in turn`, false));
  }

  for (const [mode, m] of Object.entries(s.memory)) {
    rows.push({
      scenario: `memory per warm idle instance (${m.instances.toLocaleString('en')} instances), ${isolationLabel(mode as IsolationMode, r)}`,
      note: `${(m.perInstanceBytes / 1024 ** 2).toFixed(2)} MiB RSS each; ${((m.perInstanceBytes * 1000) / 1024 ** 3).toFixed(2)} GiB per 1,000 (${m.processes} process${m.processes === 1 ? '' : 'es'})`,
    });
  }
  return rows;
}

function peerRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const noop = r.peers.noopGrpc;
  rows.push(...latencyRow('no-op grpc-js handler, c=1', noop?.c1, 'the transport floor'));
  rows.push(...latencyRow('no-op grpc-js handler, c=32', noop?.c32));
  rows.push(...latencyRow('no-op grpc-js handler, one call after each pause of the cold runs', r.peers.noopAfterPause, 'a machine waking from idle', false));
  const floorLabel: Record<IsolationMode, string> = {
    process: "floor of process isolation: raw isolated-vm `add` in a child process over IPC, behind grpc-js, answering spearlet's response",
    'in-process': "floor of in-process isolation: raw isolated-vm `add` in-process, behind grpc-js, answering spearlet's response",
  };
  for (const [mode, f] of Object.entries(r.peers.floors) as Array<[IsolationMode, { c1: LatencySummary; c32: LatencySummary }]>) {
    rows.push(...latencyRow(`${floorLabel[mode]}, c=1`, f.c1, noop ? `p50 ${ratio(f.c1.p50, noop.c1.p50)} no-op handler` : ''));
    rows.push(...latencyRow(`${floorLabel[mode]}, c=32`, f.c32, noop ? `${percent(f.c32.opsPerSec, noop.c32.opsPerSec)} of no-op handler calls/s` : ''));
  }
  const s = r.spearlet;
  rows.push(...latencyRow(`raw isolated-vm fib(${r.fibN}) behind a grpc-js handler, gRPC, in turn with spearlet's`, s.computeRawGrpc, '', false));
  rows.push(...latencyRow(`floor of process isolation, fib(${r.fibN}): the grpc-js handler, one IPC hop, raw isolated-vm in a child process, in turn with spearlet's`, s.computeFloor, s.compute && s.computeFloor ? `spearlet gRPC ${ratio(s.compute.p50, s.computeFloor.p50)} this floor` : '', false));
  rows.push(...latencyRow(`floor of process isolation, fib(${r.fibN}): the no-op node:http server, one IPC hop, raw isolated-vm in a child process, in turn with spearlet's`, s.computeFloorHttp, s.computeHttp && s.computeFloorHttp ? `spearlet HTTP ${ratio(s.computeHttp.p50, s.computeFloorHttp.p50)} this floor` : '', false));
  rows.push(...latencyRow(`raw isolated-vm fib(${r.fibN}), in turn with spearlet's`, s.computeRaw, '', false));
  const h = r.peers.noopHttp;
  rows.push(...latencyRow('no-op node:http server, c=1', h?.c1, 'the HTTP transport floor'));
  rows.push(...latencyRow('no-op node:http server, c=32', h?.c32));
  const fh = r.peers.floorHttp;
  const floorHttp = 'floor of process isolation over HTTP: the no-op node:http server, raw isolated-vm `add` in a child process over IPC';
  rows.push(...latencyRow(`${floorHttp}, c=1`, fh?.c1, h && fh ? `p50 ${ratio(fh.c1.p50, h.c1.p50)} no-op HTTP` : ''));
  rows.push(...latencyRow(`${floorHttp}, c=32`, fh?.c32, h && fh ? `${percent(fh.c32.opsPerSec, h.c32.opsPerSec)} of no-op HTTP calls/s` : ''));
  const fw = r.peers.floorWorkerHttp;
  const floorWorker = 'floor of HTTP served by the isolate\'s process: node:http and raw isolated-vm `add` in one child process, the record appended to a log before the answer';
  rows.push(...latencyRow(`${floorWorker}, c=1`, fw?.c1, h && fw ? `p50 ${ratio(fw.c1.p50, h.c1.p50)} no-op HTTP` : ''));
  rows.push(...latencyRow(`${floorWorker}, c=32`, fw?.c32, h && fw ? `${percent(fw.c32.opsPerSec, h.c32.opsPerSec)} of no-op HTTP calls/s` : ''));
  const wd = r.peers.workerd;
  if (wd) {
    const label = `workerd ${wd.version} (HTTP/1.1, Worker Loader)`;
    const warm = r.spearlet.warm[r.defaultIsolation];
    rows.push(...latencyRow(`${label}: warm \`add\`, c=1`, wd.c1, [warm && wd.c1 ? `spearlet gRPC ${ratio(warm.c1.p50, wd.c1.p50)}` : '', h && wd.c1 ? `${ratio(wd.c1.p50, h.c1.p50)} no-op HTTP` : ''].filter((n) => n !== '').join(', ')));
    rows.push(...latencyRow(`${label}: warm \`add\`, c=32`, wd.c32, warm && wd.c32 ? `spearlet gRPC ${ratio(warm.c32.opsPerSec, wd.c32.opsPerSec)} calls/s` : ''));
    const cold = r.spearlet.cold[r.defaultIsolation];
    rows.push(...latencyRow(`${label}: first call of new code`, wd.cold, cold && wd.cold ? `spearlet gRPC ${ratio(cold.grpc.p50, wd.cold.p50)}` : '', false));
    rows.push(...latencyRow(`${label}: fib(${r.fibN})`, wd.fib, r.spearlet.compute && wd.fib ? `spearlet gRPC ${ratio(r.spearlet.compute.p50, wd.fib.p50)}` : '', false));
    if (wd.memory) rows.push({ scenario: `${label}: memory per idle loaded worker (${wd.memory.instances.toLocaleString('en')})`, note: `${(wd.memory.perInstanceBytes / 1024 ** 2).toFixed(2)} MiB RSS each` });
  } else if (r.peers.workerdMissing) {
    rows.push({ scenario: 'workerd', note: r.peers.workerdMissing });
  }
  for (const [name, p] of Object.entries(r.peers.inProcess)) {
    rows.push(...latencyRow(`${name}: \`add\` call`, p.add, 'in-process'));
    rows.push(...latencyRow(`${name}: fib(${r.fibN})`, p.fib, '', false));
  }
  return rows;
}

function markdown(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function renderTable(r: BenchResults): string {
  const figures = [...spearletRows(r).map((row) => ({ ...row, scenario: `spearlet: ${row.scenario}` })), ...peerRows(r).map((row) => ({ ...row, scenario: `peer: ${row.scenario}` }))];
  const main = markdown(
    ['scenario', 'p50 ms', 'p99 ms', 'calls/s', 'vs peers'],
    figures.map((f) => [f.scenario, ms(f.p50), ms(f.p99), ops(f.ops), f.note ?? '']),
  );
  const targets = markdown(
    ['target', 'bar', 'measured', 'status'],
    r.targets.map((t) => [t.name, t.bar, t.measured, t.status ?? (t.met === undefined ? 'not measured' : t.met ? 'met' : 'MISSED')]),
  );
  const m = r.machine;
  const head = `${r.quick ? 'Quick run' : 'Full run'}, ${r.date}: median of ${r.runs} runs per figure (warm gRPC figures: of ${r.runs} × 4 blocks, taken in turn with the no-op handler's). Node ${m.node}, ${m.platform}, ${m.cpus} × ${m.cpuModel}, load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}.`;
  return `${head}\n\n${main}\n\n${targets}\n`;
}
