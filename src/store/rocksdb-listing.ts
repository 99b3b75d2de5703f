/**
 * ListExecutions on RocksDB: each filter has its own index, so a page reads its index entries and
 * their records and nothing else (keys.ts):
 *
 *   no filter        exec-seq:
 *   task             exec-task:<taskId>:
 *   status           exec-status:<status>:
 *   task and status  exec-ts:<taskId>\0<status>\0
 *
 * Every index is ordered by seq, newest last, and the cursor is a seq: executions written while a
 * client pages come after it (newer) and never shift the pages still to come, and expired ones
 * simply leave them, so every execution present throughout is listed exactly once.
 */
import { invalidArgument } from '../errors.js';
import * as k from './keys.js';
import { clampLimit, pageOf } from './paging.js';
import { TERMINAL_STATUSES, type ExecutionRecord } from './records.js';
import type { Level } from './rocksdb-level.js';
import type { ListExecutionsQuery, Page } from './store.js';

/** Our own execution ids carry their seq (`exec-<ULID>`), so a cursor outlives its execution. */
const OWN_ID = /^exec-([0-9A-HJKMNP-TV-Z]{26})$/;

type ReadExecutions = (db: Level, ids: string[]) => Promise<Array<ExecutionRecord | undefined>>;

export function indexPrefixOf(query: Pick<ListExecutionsQuery, 'taskId' | 'status'>): string {
  // '' (proto3's unset string) means every task, like undefined.
  if (query.taskId && query.status !== undefined) return k.execTaskStatusPrefix(query.taskId, query.status);
  if (query.taskId) return k.execTaskPrefix(query.taskId);
  if (query.status !== undefined) return k.execStatusPrefix(query.status);
  return k.EXEC_SEQ;
}

/** The seq a `start_after` execution id stands for. */
async function cursorSeq(db: Level, startAfter: string, read: ReadExecutions): Promise<string> {
  const [cursor] = await read(db, [startAfter]);
  if (cursor) return cursor.seq;
  const own = OWN_ID.exec(startAfter);
  if (own) return own[1];
  throw invalidArgument('start_after', `no execution with id '${startAfter}' (it may have expired; list again from the first page)`);
}

export async function listExecutionPage(db: Level, query: ListExecutionsQuery, read: ReadExecutions): Promise<Page<ExecutionRecord>> {
  const limit = clampLimit(query.limit);
  const prefix = indexPrefixOf(query);
  const upper = query.startAfter ? prefix + (await cursorSeq(db, query.startAfter, read)) : k.prefixEnd(prefix);
  const matches: ExecutionRecord[] = [];
  const it = db.iterator({ gt: prefix, lt: upper, reverse: true });
  try {
    // The first step asks for exactly a page and one more (proof of a next page); later steps,
    // needed only when entries were skipped, ask for what is still missing.
    for (let want = limit + 1; matches.length <= limit; want = limit + 1 - matches.length) {
      const entries = await it.nextv(want);
      if (entries.length === 0) break;
      const records = await read(db, entries.map(([, value]) => k.indexedId(value)));
      for (const [i, rec] of records.entries()) {
        // Skipped: index entries of another task whose id extends this one (`exec-task:a:` vs
        // task `a:b`), and a record that changed status after the iterator's snapshot.
        if (!rec || entries[i][0] !== indexKeyOf(prefix, query, rec)) continue;
        matches.push(rec);
        if (matches.length > limit) break;
      }
    }
  } finally {
    await it.close().catch(() => undefined);
  }
  return pageOf(matches, limit, (e) => e.executionId);
}

/** The key `rec` has in the index a query reads, to check an index entry against its record. */
function indexKeyOf(prefix: string, query: Pick<ListExecutionsQuery, 'taskId' | 'status'>, rec: ExecutionRecord): string {
  if (query.status !== undefined && rec.status !== query.status) return '';
  if (query.taskId && rec.taskId !== query.taskId) return '';
  return prefix + rec.seq;
}

/** Executions whose seq is at or after `sinceSeq`, newest first (the seq index, in chunks). */
export async function* executionsSinceIn(db: Level, sinceSeq: string, read: (ids: string[]) => Promise<Array<ExecutionRecord | undefined>>): AsyncIterable<ExecutionRecord> {
  const it = db.iterator({ gte: k.execSeqKey(sinceSeq), lt: k.prefixEnd(k.EXEC_SEQ), reverse: true });
  try {
    for (let entries = await it.nextv(128); entries.length > 0; entries = await it.nextv(128)) {
      for (const rec of await read(entries.map(([, value]) => k.indexedId(value)))) if (rec) yield rec;
    }
  } finally {
    await it.close().catch(() => undefined);
  }
}

/** Every unfinished execution, oldest first, through the `exec-open:` index. */
export async function unfinishedIn(db: Level, read: (ids: string[]) => Promise<Array<ExecutionRecord | undefined>>): Promise<ExecutionRecord[]> {
  const open: ExecutionRecord[] = [];
  const it = db.iterator({ gt: k.EXEC_OPEN, lt: k.prefixEnd(k.EXEC_OPEN), values: false });
  try {
    for (let entries = await it.nextv(128); entries.length > 0; entries = await it.nextv(128)) {
      for (const rec of await read(entries.map(([key]) => key.slice(k.EXEC_OPEN.length)))) {
        if (rec && !TERMINAL_STATUSES.has(rec.status)) open.push(rec);
      }
    }
  } finally {
    await it.close().catch(() => undefined);
  }
  return open.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}
