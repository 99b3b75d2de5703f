/**
 * CPU time per warm call, for the server process and for its sandbox workers, and the bytes the
 * server's heap allocates per call (issue #20's proof that the warm path wastes nothing):
 *
 *   node --no-node-snapshot --import tsx bench/warm-cpu.ts [--calls 2000] [--rounds 3]
 *        [--concurrency 1] [--base /path/to/other/checkout] [--cpu-prof dir]
 *
 * Each server runs in its own child process (warm-cpu-child.ts); this process is the client, so its
 * CPU is not counted. Every round measures `--calls` warm `add` calls over gRPC, then over the HTTP
 * trigger, reading the server's CPU (process.cpuUsage), its workers' CPU (/proc, 10 ms ticks: use
 * enough calls) and its heap allocation before and after. With `--base`, a second server from that
 * checkout takes turns with this one (A, B, A, B…), so a change is compared on the same machine
 * at the same moment. Figures are medians over the rounds.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FunctionClient } from '../src/client/function-client.js';
import type { ServerInfo, Usage } from './warm-cpu-child.js';
import { closeAgents, postJson } from './http-load.js';
import { invokeRequest } from './scenarios.js';
import { closedLoop } from './stats.js';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1' },
    base: { type: 'string' },
    /** Writes a --cpu-prof profile of each server process into this directory. */
    'cpu-prof': { type: 'string' },
  },
});
const calls = Number(args.calls);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);

class MeasuredServer {
  private waiting: ((u: Usage) => void) | undefined;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    readonly info: ServerInfo,
    readonly grpc: FunctionClient,
  ) {
    child.on('message', (m: { kind: string; usage?: Usage }) => {
      if (m.kind === 'usage') this.waiting?.(m.usage!);
    });
  }

  static async start(label: string, root: string): Promise<MeasuredServer> {
    const child = fork(path.join(import.meta.dirname, 'warm-cpu-child.ts'), [root], {
      execArgv: ['--no-node-snapshot', '--import', 'tsx', ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const info = await new Promise<ServerInfo>((resolve, reject) => {
      child.once('message', (m: { info: ServerInfo }) => resolve(m.info));
      child.once('exit', (code) => reject(new Error(`the ${label} server exited with ${code}`)));
    });
    return new MeasuredServer(label, child, info, new FunctionClient(info.address));
  }

  usage(): Promise<Usage> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.child.send({ kind: 'usage' });
    });
  }

  async close(): Promise<void> {
    this.grpc.close();
    this.child.send({ kind: 'close' });
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

type Transport = 'gRPC' | 'HTTP';

function callOf(server: MeasuredServer, transport: Transport): () => Promise<void> {
  if (transport === 'gRPC') {
    const request = invokeRequest(server.info.jsTaskId, 'add');
    return async () => {
      const res = await server.grpc.invoke(request);
      if (!res.success) throw new Error(`call failed: ${res.message}`);
    };
  }
  const url = `${server.info.httpUrl}/v1/tasks/${server.info.jsTaskId}/add`;
  const body = JSON.stringify({ a: 2, b: 3 });
  return async () => {
    const answer = await postJson(url, body, concurrency);
    if (answer !== 5) throw new Error(`expected 5, got ${JSON.stringify(answer)}`);
  };
}

/** One measured run: µs of server and worker CPU and bytes allocated, per call. */
async function measure(server: MeasuredServer, transport: Transport): Promise<{ serverUs: number; workersUs: number; allocatedBytes: number }> {
  const call = callOf(server, transport);
  await closedLoop(call, 200, concurrency, 0);
  const before = await server.usage();
  await closedLoop(call, calls, concurrency, 0);
  const after = await server.usage();
  return {
    serverUs: (after.serverUs - before.serverUs) / calls,
    workersUs: (after.workersUs - before.workersUs) / calls,
    allocatedBytes: (after.allocatedBytes - before.allocatedBytes) / calls,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const servers = [await MeasuredServer.start('this checkout', path.join(import.meta.dirname, '..'))];
if (args.base) servers.push(await MeasuredServer.start(`base (${args.base})`, args.base));
const results = new Map<string, Array<{ serverUs: number; workersUs: number; allocatedBytes: number }>>();
try {
  for (let round = 0; round < rounds; round++) {
    // The order rotates each round, so no server always goes first.
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const transport of ['gRPC', 'HTTP'] as const) {
      for (const server of order) {
        const key = `${server.label}\t${transport}`;
        const list = results.get(key) ?? [];
        list.push(await measure(server, transport));
        results.set(key, list);
      }
    }
  }
} finally {
  closeAgents();
  await Promise.all(servers.map((s) => s.close()));
}

console.log(`CPU per warm \`add\` call, c=${concurrency}, ${calls} calls × ${rounds} rounds (medians)`);
console.log('server\ttransport\tserver µs/call\tworkers µs/call\tserver heap KB/call');
for (const [key, list] of results) {
  const m = (f: (x: (typeof list)[number]) => number) => median(list.map(f));
  console.log(`${key}\t${m((x) => x.serverUs).toFixed(0)}\t${m((x) => x.workersUs).toFixed(0)}\t${(m((x) => x.allocatedBytes) / 1024).toFixed(1)}`);
}
if (servers.length === 2) {
  // Each round's pair was measured back to back: their ratio drifts less than either figure.
  console.log('\nthis checkout / base, median of the rounds\' ratios');
  for (const transport of ['gRPC', 'HTTP']) {
    const mine = results.get(`${servers[0].label}\t${transport}`)!;
    const base = results.get(`${servers[1].label}\t${transport}`)!;
    const ratio = (f: (x: (typeof mine)[number]) => number) => median(mine.map((x, i) => f(x) / f(base[i]))).toFixed(2);
    console.log(`${transport}\tserver CPU ${ratio((x) => x.serverUs)}×\tworkers CPU ${ratio((x) => x.workersUs)}×\theap ${ratio((x) => x.allocatedBytes)}×`);
  }
}
