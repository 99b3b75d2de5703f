/**
 * `npm run bench:quota [-- --quick] [--runs N]`: tenant B's warm-call latency alone, and beside
 * tenant A flooding the server with CPU-heavy calls, with and without A's concurrency quota.
 *
 * The server runs in this process as `spearlet serve` builds it (an auth file with three invoke
 * tokens, process isolation, so guest code burns CPU in sandbox workers), and both tenants' clients
 * run here too: B's figures include this event loop's share of the flood's client work, which
 * errs against the quota. Every figure is the median of the runs. A script, not a test: it
 * reports, it asserts nothing. Writes bench/results/quota-isolation.json.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../src/app.js';
import { FunctionClient } from '../src/client/function-client.js';
import { encodeAny } from '../src/core/values/codec.js';
import { resolveConfig } from '../src/config.js';
import { type LatencySummary, closedLoop, median, medianSummary } from './stats.js';

const log = (message: string) => process.stderr.write(`[bench:quota] ${message}\n`);
const dataUri = (source: string) => `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

/** A's guest: burns `ms` of CPU. B's: adds. */
const BURN = 'export default ({ ms }) => { const end = Date.now() + ms; let n = 0; while (Date.now() < end) n++; return n; };';
const ADD = 'export default ({ a, b }) => a + b;';

interface Figures {
  alone: LatencySummary;
  besideQuotaFlood: LatencySummary;
  besideUnboundedFlood: LatencySummary;
  /** A's calls refused (RESOURCE_EXHAUSTED) and completed per run, with the quota. */
  floodRefused: number;
  floodCompleted: number;
}

async function flood(client: FunctionClient, taskId: string, concurrency: number, stop: { done: boolean }, tally: { ok: number; refused: number }): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop.done) {
        try {
          await client.invoke({ taskId, parameters: [{ name: 'ms', value: encodeAny(20) }] });
          tally.ok++;
        } catch {
          tally.refused++;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' } } });
  const runs = Number(values.runs ?? (values.quick ? 2 : 5));
  const calls = values.quick ? 200 : 1000;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-bench-quota-'));
  const tokens = { a: randomBytes(16).toString('hex'), b: randomBytes(16).toString('hex'), unbounded: randomBytes(16).toString('hex') };
  const authFile = path.join(dir, 'auth.json');
  await fs.writeFile(
    authFile,
    JSON.stringify({
      tokens: [
        { sha256: sha256(tokens.a), tenant: 'a', role: 'invoke' },
        { sha256: sha256(tokens.unbounded), tenant: 'unbounded', role: 'invoke' },
        { sha256: sha256(tokens.b), tenant: 'b', role: 'invoke' },
      ],
      tenants: { a: { max_concurrent: 2, max_queued: 2 } },
    }),
  );
  const concurrency = Math.max(4, os.availableParallelism() * 4);
  const server = await startServer(
    resolveConfig({ listen: '127.0.0.1:0', dataDir: path.join(dir, 'data'), logLevel: 'silent', authFile, maxConcurrentExecutions: concurrency, maxQueueLength: concurrency * 4 }),
  );
  const client = (token: string) => new FunctionClient(server.address, {}, { token });
  const [a, b, unbounded] = [client(tokens.a), client(tokens.b), client(tokens.unbounded)];
  try {
    const limits = { max_instances: String(concurrency), max_concurrency: String(concurrency) };
    const reg = async (c: FunctionClient, name: string, source: string) =>
      (await c.invoke({ taskName: name, artifactSpec: { artifactType: 'javascript', location: dataUri(source), metadata: limits }, parameters: [{ name: 'ms', value: encodeAny(1) }] })).taskId;
    const [aTask, uTask, bTask] = [await reg(a, 'burn', BURN), await reg(unbounded, 'burn', BURN), await reg(b, 'add', ADD)];
    const bCall = () => b.invoke({ taskId: bTask, parameters: [{ name: 'a', value: encodeAny(2) }, { name: 'b', value: encodeAny(3) }] });
    const per: Figures[] = [];
    for (let run = 0; run < runs; run++) {
      log(`run ${run + 1}/${runs}: B alone`);
      const alone = await closedLoop(bCall, calls, 1, 100);
      const beside = async (c: FunctionClient, taskId: string) => {
        const stop = { done: false };
        const tally = { ok: 0, refused: 0 };
        const load = flood(c, taskId, concurrency, stop, tally);
        await new Promise((r) => setTimeout(r, 500));
        const s = await closedLoop(bCall, calls, 1, 20);
        stop.done = true;
        await load;
        return { s, tally };
      };
      log(`run ${run + 1}/${runs}: B beside A's flood (${concurrency} callers, max_concurrent 2)`);
      const q = await beside(a, aTask);
      log(`run ${run + 1}/${runs}: B beside an unbounded tenant's flood (${concurrency} callers)`);
      const u = await beside(unbounded, uTask);
      per.push({ alone, besideQuotaFlood: q.s, besideUnboundedFlood: u.s, floodRefused: q.tally.refused, floodCompleted: q.tally.ok });
    }
    const figures = {
      machine: { cpus: os.availableParallelism(), node: process.version },
      runs,
      callsPerRun: calls,
      floodCallers: concurrency,
      alone: medianSummary(per.map((p) => p.alone)),
      besideQuotaFlood: medianSummary(per.map((p) => p.besideQuotaFlood)),
      besideUnboundedFlood: medianSummary(per.map((p) => p.besideUnboundedFlood)),
      floodRefusedPerRun: median(per.map((p) => p.floodRefused)),
      floodCompletedPerRun: median(per.map((p) => p.floodCompleted)),
    };
    const ratio = (s: LatencySummary) => (s.p50 / figures.alone.p50).toFixed(2);
    process.stdout.write(
      [
        '| tenant B warm call (c=1) | p50 ms | p99 ms | p50 vs alone |',
        '| --- | --- | --- | --- |',
        `| alone | ${figures.alone.p50.toFixed(2)} | ${figures.alone.p99.toFixed(2)} | 1.00x |`,
        `| beside A's flood, A at max_concurrent 2 | ${figures.besideQuotaFlood.p50.toFixed(2)} | ${figures.besideQuotaFlood.p99.toFixed(2)} | ${ratio(figures.besideQuotaFlood)}x |`,
        `| beside a flood without quota | ${figures.besideUnboundedFlood.p50.toFixed(2)} | ${figures.besideUnboundedFlood.p99.toFixed(2)} | ${ratio(figures.besideUnboundedFlood)}x |`,
        '',
        `A's flood (${concurrency} callers, 20 ms of CPU a call): ${figures.floodCompletedPerRun} completed, ${figures.floodRefusedPerRun} refused RESOURCE_EXHAUSTED per run (median).`,
        '',
      ].join('\n'),
    );
    const out = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', values.quick ? 'quota-isolation-quick.json' : 'quota-isolation.json');
    await fs.writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
    log(`wrote ${out}`);
  } finally {
    for (const c of [a, b, unbounded]) c.close();
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
