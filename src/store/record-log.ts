/**
 * The execution log: where an execution write is durable before its RocksDB batch (issue #20).
 *
 * RocksDbStore appends a group of execution writes here, one JSON line per write, with one
 * write(2) (fdatasync'd when a write asks for sync), answers its callers, and writes the RocksDB
 * batch after the answers (logged-commit.ts). An appended line is as durable against a crash of
 * the process as RocksDB's WAL without fsync: the kernel has it. A batch costs this machine
 * 110-390 µs when the server was idle just before it, as every call at c=1 finds it, against
 * 40-70 µs for the append (bench/store-write-idle.ts).
 *
 * At open the store reads back every line (`open`), writes into RocksDB those it does not hold
 * (a crash came between an append and its batch), and empties the log (`clear`). While the store
 * runs, the store empties it whenever every line in it is in RocksDB and it has grown past
 * TRUNCATE_BYTES (`trim`).
 */
import * as fs from 'node:fs';
import type { TaskRecord } from './records.js';

/** Past this size the log is emptied at the next moment every line in it is in RocksDB (`trim`). */
const TRUNCATE_BYTES = 4 * 1024 * 1024;

/** One logged write: the execution record as the store serialised it, and the task written with it. */
export interface LoggedWrite {
  /** JSON of the ExecutionRecord. */
  json: string;
  task: TaskRecord | undefined;
}

export class RecordLog {
  private fd: number | undefined;
  private size = 0;

  constructor(readonly file: string) {}

  /** Opens the log (creating it) and returns the writes it holds, oldest first. */
  open(): LoggedWrite[] {
    this.close();
    const text = fs.existsSync(this.file) ? fs.readFileSync(this.file, 'utf8') : '';
    this.fd = fs.openSync(this.file, 'a');
    this.size = Buffer.byteLength(text);
    const writes: LoggedWrite[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const parsed = JSON.parse(line) as { r: unknown; t: TaskRecord | null };
        writes.push({ json: JSON.stringify(parsed.r), task: parsed.t ?? undefined });
      } catch {
        // A line cut short by a crash mid-write: its caller was never answered.
      }
    }
    return writes;
  }

  /** Appends `writes` with one write(2), fdatasync'd when `sync`; throws what the file system says. */
  append(writes: readonly LoggedWrite[], sync: boolean): void {
    if (this.fd === undefined) throw new Error('the execution log is not open');
    // A task record goes with the last write that carries it (the last one wins when replayed).
    const lastOfTask = new Map<string, LoggedWrite>();
    for (const w of writes) if (w.task !== undefined) lastOfTask.set(w.task.taskId, w);
    let text = '';
    for (const w of writes) {
      const task = w.task !== undefined && lastOfTask.get(w.task.taskId) === w ? JSON.stringify(w.task) : 'null';
      text += `{"r":${w.json},"t":${task}}\n`;
    }
    const bytes = Buffer.from(text);
    try {
      fs.writeSync(this.fd, bytes);
      if (sync) fs.fdatasyncSync(this.fd);
    } catch (err) {
      // A write cut short (the disk filled up) must not leave half a line for the next to join.
      try {
        fs.ftruncateSync(this.fd, this.size);
      } catch {
        // Nothing more to do: the line is unreadable at the next open, and its caller was not answered.
      }
      throw err;
    }
    this.size += bytes.length;
  }

  /** Every line is in RocksDB: empties the log if it has grown past TRUNCATE_BYTES. */
  trim(): void {
    if (this.size > TRUNCATE_BYTES) this.clear();
  }

  /** Empties the log (everything in it is in RocksDB). */
  clear(): void {
    if (this.fd === undefined) return;
    fs.ftruncateSync(this.fd, 0);
    this.size = 0;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
