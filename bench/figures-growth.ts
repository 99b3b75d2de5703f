/**
 * What one terminal execution write costs the store as the number of functions ever run grows
 * (the figures count executions per function; schema 3 keeps each count in a key of its own).
 *
 *   npm run build && node --no-node-snapshot --import tsx bench/figures-growth.ts [N ...]
 *
 * For each N (default 10, 1000, 10000): a fresh RocksDbStore of the compiled build, one finished
 * execution of each of N functions, then 2,000 terminal writes of one function, timed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const { RocksDbStore } = await import(pathToFileURL(path.join(root, 'dist/src/store/rocksdb-store.js')).href);
const WRITES = 2000;

async function measure(functions: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-figures-'));
  const store = new RocksDbStore(path.join(dir, 'db'));
  await store.open();
  let serial = 0;
  const record = (taskId: string) => {
    const id = `exec-${String(++serial).padStart(26, '0')}`;
    const now = Date.now();
    return { executionId: id, seq: id.slice(5), taskId, functionName: 'f', mode: 'SYNC', status: 'COMPLETED', createdAt: now, startedAt: now, executionTimeMs: 1, memoryUsedBytes: 0, metrics: {}, logs: [], logsTruncated: false, metadata: {}, completedAt: now };
  };
  try {
    for (let i = 0; i < functions; i++) await store.putExecution(record(`task-${i}`), undefined, { fresh: true });
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (let i = 0; i < WRITES; i++) await store.putExecution(record('task-hot'), undefined, { fresh: true });
    const wallUs = Number(process.hrtime.bigint() - started) / 1000 / WRITES;
    const used = process.cpuUsage(cpu);
    console.log(`${String(functions).padStart(6)} functions ever run: ${wallUs.toFixed(0)} µs per terminal write (${((used.user + used.system) / WRITES).toFixed(0)} µs of CPU)`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes : [10, 1000, 10000]) await measure(n);
