/**
 * What a terminal execution write costs when the server was idle just before it, as every call at
 * c=1 finds it, against the same write back to back; beside it, the write(2) of the same record as
 * one line appended to a log (what the design proposed for the HTTP trigger writes instead).
 *
 *   npm run build && node --no-node-snapshot --import tsx bench/store-write-idle.ts [--writes N] [--gap-ms MS]
 *
 * A fresh RocksDbStore of the compiled build; each write is a terminal record with its task record,
 * as the execution manager writes it. The modes take turns in blocks; p50 and p90 of each.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { writes: { type: 'string', default: '1500' }, 'gap-ms': { type: 'string', default: '1' } } });
const WRITES = Number(values.writes);
const GAP_MS = Number(values['gap-ms']);
const BLOCKS = 4;

const root = path.resolve(new URL('..', import.meta.url).pathname);
const { RocksDbStore } = await import(pathToFileURL(path.join(root, 'dist/src/store/rocksdb-store.js')).href);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-write-idle-'));
const store = new RocksDbStore(path.join(dir, 'db'));
await store.open();
const log = fs.openSync(path.join(dir, 'records.log'), 'a');
const now = Date.now();
const task = {
  taskId: 'task-01M8YEK886KCM43GQKJ0ABTX56', name: 'add', description: '',
  artifact: { artifactId: '', artifactType: 'javascript', location: 'data:(48 bytes)', version: '', checksum: '', metadata: {} },
  runtime: 'v8-isolate', digest: 'a'.repeat(64), sizeBytes: 48, exports: [{ name: 'add', params: ['a', 'b'] }],
  limits: { memoryLimitMb: 128, timeoutMs: 30000, maxInstances: 4, minInstances: 0, maxConcurrency: 4 },
  createdAt: now, updatedAt: now, executionCount: 0, version: 1,
};
let serial = 0;
function record() {
  const id = `exec-${String(++serial).padStart(26, '0')}`;
  const t = Date.now();
  return {
    executionId: id, seq: id.slice(5), taskId: task.taskId, functionName: 'add', mode: 'SYNC', status: 'COMPLETED',
    createdAt: t, startedAt: t, completedAt: t, executionTimeMs: 1, memoryUsedBytes: 1275892,
    result: { typeUrl: 'type.googleapis.com/google.protobuf.Value', valueBase64: 'EQAAAAAAABRA' },
    metrics: { queue_ms: '0', cpu_time_us: '40' }, logs: [], logsTruncated: false, metadata: {},
  };
}

const modes: Record<string, () => Promise<void>> = {
  'RocksDB terminal write': async () => {
    task.executionCount++;
    await store.putExecution(record(), { ...task }, { fresh: true });
  },
  'write(2) of the record to a log': async () => {
    fs.writeSync(log, `${JSON.stringify(record())}\n`);
  },
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const times = new Map<string, number[]>();
try {
  for (let block = 0; block < BLOCKS; block++) {
    for (const [name, write] of Object.entries(modes)) {
      for (const gap of [0, GAP_MS]) {
        const key = `${name}, ${gap === 0 ? 'back to back' : `after ${gap} ms idle`}`;
        const t = times.get(key) ?? [];
        times.set(key, t);
        for (let i = 0; i < WRITES / BLOCKS; i++) {
          if (gap > 0) await sleep(gap);
          const started = process.hrtime.bigint();
          await write();
          t.push(Number(process.hrtime.bigint() - started) / 1000);
        }
      }
    }
  }
  for (const [key, t] of times) {
    t.sort((a, b) => a - b);
    console.log(`${key.padEnd(52)} p50 ${t[Math.floor(t.length / 2)].toFixed(0).padStart(4)} µs   p90 ${t[Math.floor(t.length * 0.9)].toFixed(0).padStart(4)} µs`);
  }
} finally {
  fs.closeSync(log);
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
