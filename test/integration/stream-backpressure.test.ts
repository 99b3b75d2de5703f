/**
 * StreamFunction respects the client's flow control end to end: a client that does not read stops
 * the guest's generator (the server holds at most a window of chunks for it, not gigabytes), a
 * slow client gets every chunk in order, and a cancel frees everything.
 */
import * as http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProto } from '../../src/server/proto.js';
import type { InvokeFunctionRequest } from '../../src/generated/spearlet/InvokeFunctionRequest.js';
import type { StreamExecutionResult__Output } from '../../src/generated/spearlet/StreamExecutionResult.js';
import { supervisorOf } from './fault-helpers.js';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from './harness.js';

const SOURCE = `
export function* flood() {
  for (let i = 1; ; i++) {
    console.log('made ' + i);
    yield new Uint8Array(256 * 1024).fill(i & 255);
  }
}
export async function* numbered({ n, size }) {
  for (let i = 0; i < n; i++) yield { i, pad: 'x'.repeat(size) };
}
`;

let t: TestServer;
let taskId: string;

beforeAll(async () => {
  t = await startTestServer();
  taskId = (await t.client.invoke({ taskName: 'streams', artifactSpec: jsSpec(SOURCE, { timeout_ms: '20000' }), functionName: 'numbered', parameters: params({ n: 1, size: 1 }) })).taskId;
});
afterAll(() => t.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens StreamFunction over a bare HTTP/2 connection and never reads the answer: the stream's
 * flow-control window closes once its first 64 KiB have arrived. (grpc-js's own client keeps
 * taking messages into its buffers.) Returns a function that resets the stream (a cancel).
 */
function neverReadingStream(req: InvokeFunctionRequest): () => void {
  const method = loadProto().definition['spearlet.FunctionService'] as Record<string, { requestSerialize: (r: unknown) => Buffer }>;
  const message = method.StreamFunction.requestSerialize(req);
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  const session = http2.connect(`http://${t.server.address}`);
  session.on('error', () => undefined);
  const stream = session.request({ ':method': 'POST', ':path': '/spearlet.FunctionService/StreamFunction', 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => undefined);
  stream.end(frame);
  stream.pause();
  return () => {
    stream.close(http2.constants.NGHTTP2_CANCEL);
    session.close();
  };
}

/** The highest 'made N' the guest logged so far. */
async function madeSoFar(executionId: string): Promise<number> {
  const status = await t.client.getExecutionStatus({ executionId, includeLogs: true });
  const made = (status.logs ?? []).map((l) => Number(/made (\d+)/.exec(l)?.[1] ?? 0));
  return Math.max(0, ...made);
}

describe('a client that never reads', () => {
  it('stops the generator within a bounded window, and a cancel ends it', async () => {
    const executionId = `flood-${Date.now()}`;
    const rssBefore = process.memoryUsage().rss;
    // The sandbox workers' resident sets, from their heartbeats (reported, not asserted: a worker's
    // size depends on what else it hosts).
    const workersRss = () => supervisorOf(t).describe().reduce((sum, w) => sum + w.rssBytes, 0);
    const cancel = neverReadingStream({ taskId, functionName: 'flood', executionId });
    try {
      await sleep(1_500);
      const early = await madeSoFar(executionId);
      await sleep(1_500);
      const late = await madeSoFar(executionId);
      const mb = (n: number) => Math.round(n / 1048576);
      console.log(`flow control: made ${early} then ${late} chunks of 256 KiB; server RSS +${mb(process.memoryUsage().rss - rssBefore)} MB, workers ${mb(workersRss())} MB`);
      // The generator is paused at the window (1 MiB: four chunks), not producing 256 KiB chunks
      // as fast as it can for the server and its worker to hold.
      expect(late).toBe(early);
      expect(late).toBeLessThanOrEqual(16);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * 1024 * 1024);
      const status = await t.client.getExecutionStatus({ executionId });
      expect(status.result?.status).toBe('EXECUTION_STATUS_RUNNING');
    } finally {
      cancel();
    }
    const ended = await t.client.waitForExecution(executionId, 5_000);
    expect(ended.result?.status).toBe('EXECUTION_STATUS_CANCELLED');
    expect(t.server.core.executions.runningCount).toBe(0);
  }, 30_000);
});

describe('a slow client', () => {
  it('gets every chunk, in order, when it reads in fits and starts', async () => {
    const call = t.client.streamCall({ taskId, functionName: 'numbered', parameters: params({ n: 300, size: 16 * 1024 }) });
    const got: StreamExecutionResult__Output[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (m: StreamExecutionResult__Output) => {
        got.push(m);
        // Stop reading for a while every 50 chunks.
        if (got.length % 50 === 0) {
          call.pause();
          setTimeout(() => call.resume(), 200);
        }
      });
      call.on('end', resolve);
      call.on('error', reject);
    });
    await done;
    const data = got.filter((m) => m.metadata.kind === 'data').map((m) => (valueOf(m.chunkData) as { i: number }).i);
    expect(data).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(got.at(-1)).toMatchObject({ isFinal: true, status: 'EXECUTION_STATUS_COMPLETED' });
  }, 30_000);
});
