/**
 * The execution log (src/store/record-log.ts): a write is durable in it before its RocksDB batch,
 * which follows the answer. A crash between the two is simulated by writing the log's lines the way
 * the store appends them, into a closed store's directory: the next open writes into RocksDB what
 * it does not hold, counts each execution once, ignores a line cut short, and empties the log.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ulid } from '../../../src/core/values/ids.js';
import type { ExecutionRecord, ExecutionStatus } from '../../../src/store/records.js';
import { EXECUTION_LOG, RocksDbStore } from '../../../src/store/rocksdb-store.js';
import { taskRecord, tempDirs } from '../../helpers/store-setup.js';

const tempDir = tempDirs('spearlet-execution-log-');
const LOG = EXECUTION_LOG;

function execution(status: ExecutionStatus): ExecutionRecord {
  const seq = ulid();
  return {
    executionId: `exec-${seq}`,
    seq,
    taskId: 'task-a',
    functionName: 'add',
    mode: 'SYNC',
    status,
    createdAt: Date.now(),
    executionTimeMs: 1,
    memoryUsedBytes: 0,
    metrics: {},
    logs: [],
    logsTruncated: false,
    metadata: {},
  };
}

/** A line as the store appends it: the record, and the task written with it. */
function line(record: ExecutionRecord, task: object | null = null): string {
  return `${JSON.stringify({ r: record, t: task })}\n`;
}

describe('RocksDbStore execution log', () => {
  it('writes at open what a crash left only in the log, each execution counted once, and empties the log', async () => {
    const dir = path.join(await tempDir(), 'db');
    const first = new RocksDbStore(dir);
    await first.open();
    const task = taskRecord('task-a', 'adder');
    await first.putTask(task);
    const stored = execution('COMPLETED');
    await first.putExecution(stored, { ...task, executionCount: 1 });
    await first.close();
    expect(await fs.readFile(path.join(dir, LOG), 'utf8')).toBe(''); // a clean close leaves nothing to replay

    // The crash: these were appended (and their callers answered), their batches never written.
    const running = execution('RUNNING');
    const lost = execution('FAILED');
    const runningThenDone = { ...running, status: 'COMPLETED' as const, completedAt: Date.now() };
    await fs.appendFile(
      path.join(dir, LOG),
      line(stored) + line(running) + line(lost) + line(runningThenDone, { ...task, executionCount: 3, lastStatus: 'COMPLETED' }) + '{"r":{"executionId":"exec-cut',
    );

    const second = new RocksDbStore(dir);
    await second.open();
    try {
      expect((await second.getExecution(lost.executionId))?.status).toBe('FAILED');
      expect((await second.getExecution(running.executionId))?.status).toBe('COMPLETED');
      expect((await second.getTask('task-a'))?.executionCount).toBe(3);
      const figures = await second.figures();
      expect(figures.total).toBe(3); // stored, lost, runningThenDone: the one already stored is not counted again
      expect(figures.byStatus.COMPLETED).toBe(2);
      expect(figures.byStatus.FAILED).toBe(1);
      const listed = await second.listExecutions({ taskId: 'task-a', limit: 10 });
      expect(listed.items.map((e) => e.executionId).sort()).toEqual([stored, running, lost].map((e) => e.executionId).sort());
      expect(await fs.readFile(path.join(dir, LOG), 'utf8')).toBe('');
    } finally {
      await second.close();
    }
  });

  it('answers a write before its batch, and every read after the answer sees it', async () => {
    const dir = path.join(await tempDir(), 'db');
    const store = new RocksDbStore(dir);
    await store.open();
    try {
      const record = execution('COMPLETED');
      await store.putExecution(record);
      // Answered: the write is in the log already, the batch not necessarily yet.
      expect(await fs.readFile(path.join(dir, LOG), 'utf8')).toContain(record.executionId);
      expect((await store.getExecution(record.executionId))?.status).toBe('COMPLETED');
      expect((await store.listExecutions({ status: 'COMPLETED', limit: 10 })).items.map((e) => e.executionId)).toEqual([record.executionId]);
      expect((await store.figures()).total).toBe(1);
      expect((await store.storedExecutions()).total).toBe(1);
    } finally {
      await store.close();
    }
  });
});
