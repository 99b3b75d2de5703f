/**
 * What the value codec (src/core/values/codec.ts on @bufbuild/protobuf) costs per warm invoke, against
 * the server's CPU per warm invoke, both measured in this run. Issue #19's rule: the library stays
 * if it costs under 5% of a warm invoke's server CPU.
 *
 *   node --no-node-snapshot --import tsx bench/codec.ts
 *
 * - server: a spearlet server started in this process as `spearlet serve` does (bench/spearlet.ts,
 *   default isolation), called by a load client in a child process (its CPU is not counted) with
 *   sequential warm invokes of the JS task's add({a:2,b:3}). CPU per call is process.cpuUsage() of
 *   this process, the server's main process, where the codec runs; the sandbox workers' CPU (read
 *   from /proc, 10 ms ticks) is printed apart and left out of the ratio, which makes the ratio an
 *   upper bound.
 * - codec: what the server's codec does per warm invoke of add: decodeParameters of the
 *   parameters as the client sends them, and encodeResult of 5 (a DoubleValue).
 * - struct: for scale, a 20-field Struct parameter decoded and encoded back as a result.
 *
 * The three blocks take turns, round after round; each figure is the median of the rounds.
 * CODEC_ROUNDS, CODEC_CALLS (server calls per round) and CODEC_N (codec calls per round) set the
 * sizes.
 */
import { cpuTimeUs, descendants } from './process-rss.js';
import { decodeParameters, encodeAny, encodeResult } from '../src/core/values/codec.js';
import type { EncodedValue } from '../src/core/values/values.js';
import type { FunctionParameter__Output } from '../src/generated/spearlet/FunctionParameter.js';
import { LoadClient } from './client-process.js';
import { addParams, invokeRequest } from './scenarios.js';
import { startSpearlet } from './spearlet.js';
import { median } from './stats.js';

const ROUNDS = Number(process.env.CODEC_ROUNDS ?? 7);
const CALLS = Number(process.env.CODEC_CALLS ?? 500);
const N = Number(process.env.CODEC_N ?? 20_000);

/** Microseconds of CPU (user + system) this process spent running `fn`. */
async function cpuUs(fn: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** CPU in µs of every process below this one (the sandbox workers and their launchers). */
const descendantsCpuUs = (): number => descendants(process.pid).reduce((sum, pid) => sum + cpuTimeUs(pid), 0);

/** FunctionParameters as the server receives them from grpc-js. */
const asReceived = (params: { name: string; value: { type_url: string; value: Uint8Array } }[]): FunctionParameter__Output[] =>
  params.map((p) => ({ name: p.name, type: '', required: false, description: '', value: { type_url: p.value.type_url, value: Buffer.from(p.value.value) } }));

const warmParams = asReceived(addParams);
const warmResult: EncodedValue = { kind: 'number', value: 5 };
if (decodeParameters(warmParams).byName.a !== 2 || encodeResult(warmResult) === null) throw new Error('the codec does not decode add’s parameters');

const doc: Record<string, unknown> = {};
for (let i = 0; i < 20; i++) doc[`field${i}`] = i % 4 === 0 ? `text value ${i} ünïcode` : i % 4 === 1 ? i * 1.5 : i % 4 === 2 ? [1, 'two', true, null] : { inner: i, name: `n${i}`, flag: false };
const structParams = asReceived([{ name: 'doc', value: encodeAny(doc) }]);
const structResult: EncodedValue = { kind: 'json', value: JSON.stringify(doc) };

const warmCodec = () => {
  decodeParameters(warmParams);
  encodeResult(warmResult);
};
const structCodec = () => {
  decodeParameters(structParams);
  encodeResult(structResult);
};
const repeat = (fn: () => void, n: number) => () => {
  for (let i = 0; i < n; i++) fn();
};

const server = await startSpearlet('process');
const client = await LoadClient.start();
const request = invokeRequest(server.jsTaskId, 'add');
try {
  await client.invoke(server.address, request, 0, 1, 200); // warm-up: the instance, the JIT
  repeat(warmCodec, N)();
  repeat(structCodec, N / 10)();
  const samples = { server: [] as number[], workers: [] as number[], codec: [] as number[], struct: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const workersBefore = descendantsCpuUs();
    samples.server.push((await cpuUs(() => client.invoke(server.address, request, CALLS, 1, 0))) / CALLS);
    samples.workers.push((descendantsCpuUs() - workersBefore) / CALLS);
    samples.codec.push((await cpuUs(repeat(warmCodec, N))) / N);
    samples.struct.push((await cpuUs(repeat(structCodec, N / 10))) / (N / 10));
  }
  const serverUs = median(samples.server);
  const codecUs = median(samples.codec);
  const pct = (us: number) => `${((us / serverUs) * 100).toFixed(2)}% of the server's CPU per warm invoke`;
  console.log(`CPU per call, median of ${ROUNDS} interleaved rounds (${CALLS} warm invokes, ${N} codec calls each)`);
  console.log(`server main process, warm invoke of add   ${serverUs.toFixed(1).padStart(8)} µs`);
  console.log(`sandbox workers, same invokes (apart)      ${median(samples.workers).toFixed(1).padStart(8)} µs`);
  console.log(`codec, warm invoke ({a:2,b:3} in, 5 out)   ${codecUs.toFixed(2).padStart(8)} µs  ${pct(codecUs)} (budget 5%)`);
  console.log(`codec, 20-field Struct in and out          ${median(samples.struct).toFixed(2).padStart(8)} µs  ${pct(median(samples.struct))}`);
} finally {
  await client.close();
  await server.close();
}
