/**
 * An in-memory Store with the same semantics as RocksDbStore, for unit tests. Records are cloned
 * in and out, so callers can never change stored state by mutating what they passed or got back.
 */
import { invalidArgument, storeUnavailable } from '../errors.js';
import { clampLimit, compareUtf8, pageOf } from './paging.js';
import { TERMINAL_STATUSES, type ExecutionRecord, type TaskRecord, listingView } from './records.js';
import type { ListExecutionsQuery, ListTasksQuery, Page, PutExecutionOptions, Store } from './store.js';

const nameKey = (name: string, digest: string): string => `${name}\0${digest}`;

export class MemoryStore implements Store {
  private isOpen = false;
  private readonly artifacts = new Map<string, Uint8Array>();
  private readonly tasks = new Map<string, TaskRecord>();
  /** name\0digest → taskId, like the `task-name:` index (the last task put with that pair). */
  private readonly names = new Map<string, string>();
  private readonly executions = new Map<string, ExecutionRecord>();

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  async putArtifact(digest: string, bytes: Uint8Array): Promise<void> {
    this.live('putArtifact');
    if (!this.artifacts.has(digest)) this.artifacts.set(digest, new Uint8Array(bytes));
  }

  async getArtifact(digest: string): Promise<Uint8Array | undefined> {
    this.live('getArtifact');
    const bytes = this.artifacts.get(digest);
    return bytes && new Uint8Array(bytes);
  }

  async putTask(task: TaskRecord, artifact?: Uint8Array): Promise<void> {
    this.live('putTask');
    if (artifact && !this.artifacts.has(task.digest)) this.artifacts.set(task.digest, new Uint8Array(artifact));
    this.writeTask(task);
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    this.live('getTask');
    return clone(this.tasks.get(taskId));
  }

  async findTaskByNameAndDigest(name: string, digest: string): Promise<TaskRecord | undefined> {
    this.live('findTaskByNameAndDigest');
    const taskId = this.names.get(nameKey(name, digest));
    const task = taskId === undefined ? undefined : this.tasks.get(taskId);
    return task && task.name === name && task.digest === digest ? clone(task) : undefined;
  }

  async listTasks(query: ListTasksQuery): Promise<Page<TaskRecord>> {
    this.live('listTasks');
    const limit = clampLimit(query.limit);
    const after = query.startAfter ?? '';
    const prefix = query.namePrefix ?? '';
    const matches = [...this.tasks.values()]
      .filter((t) => compareUtf8(t.taskId, after) > 0 && t.name.startsWith(prefix))
      .sort((a, b) => compareUtf8(a.taskId, b.taskId))
      .slice(0, limit + 1);
    return pageOf(matches.map((r) => structuredClone(r)), limit, (t) => t.taskId);
  }

  async allTasks(): Promise<TaskRecord[]> {
    this.live('allTasks');
    return [...this.tasks.values()].sort((a, b) => compareUtf8(a.taskId, b.taskId)).map((r) => structuredClone(r));
  }

  async deleteTask(taskId: string, cleanupExecutions: boolean): Promise<number> {
    this.live('deleteTask');
    const task = this.tasks.get(taskId);
    if (task) {
      this.tasks.delete(taskId);
      this.releaseIndexes(task, false);
    }
    let cleaned = 0;
    if (cleanupExecutions) {
      for (const [id, rec] of this.executions) {
        if (rec.taskId !== taskId) continue;
        this.executions.delete(id);
        cleaned++;
      }
    }
    return cleaned;
  }

  async putExecution(execution: ExecutionRecord, task?: TaskRecord, _options?: PutExecutionOptions): Promise<void> {
    this.live('putExecution');
    this.executions.set(execution.executionId, structuredClone(execution));
    if (task) this.writeTask(task);
  }

  async getExecution(executionId: string): Promise<ExecutionRecord | undefined> {
    this.live('getExecution');
    return clone(this.executions.get(executionId));
  }

  async listExecutions(query: ListExecutionsQuery): Promise<Page<ExecutionRecord>> {
    this.live('listExecutions');
    const limit = clampLimit(query.limit);
    let before: string | undefined;
    if (query.startAfter) {
      const cursor = this.executions.get(query.startAfter);
      if (!cursor) throw invalidArgument('start_after', `no execution with id '${query.startAfter}'`);
      before = cursor.seq;
    }
    const matches = this.newestFirst()
      .filter(
        (e) =>
          (before === undefined || compareUtf8(e.seq, before) < 0) &&
          (!query.taskId || e.taskId === query.taskId) &&
          (query.status === undefined || e.status === query.status),
      )
      .slice(0, limit + 1);
    return pageOf(matches.map((r) => listingView(structuredClone(r))), limit, (e) => e.executionId);
  }

  async *executionsSince(sinceSeq: string): AsyncIterable<ExecutionRecord> {
    this.live('executionsSince');
    for (const rec of this.newestFirst()) {
      if (compareUtf8(rec.seq, sinceSeq) < 0) return;
      yield structuredClone(rec);
    }
  }

  async unfinishedExecutions(): Promise<ExecutionRecord[]> {
    this.live('unfinishedExecutions');
    return [...this.executions.values()]
      .filter((e) => !TERMINAL_STATUSES.has(e.status))
      .sort((a, b) => compareUtf8(a.seq, b.seq))
      .map((r) => structuredClone(r));
  }

  async ping(): Promise<void> {
    this.live('ping');
  }

  private writeTask(task: TaskRecord): void {
    const old = this.tasks.get(task.taskId);
    if (old && (old.name !== task.name || old.digest !== task.digest)) {
      this.releaseIndexes(old, old.digest === task.digest);
    }
    this.tasks.set(task.taskId, structuredClone(task));
    this.names.set(nameKey(task.name, task.digest), task.taskId);
  }

  /** Drops the task's name index (if still its own) and, unless kept, its unreferenced artifact. */
  private releaseIndexes(task: TaskRecord, keepArtifact: boolean): void {
    const key = nameKey(task.name, task.digest);
    if (this.names.get(key) === task.taskId) this.names.delete(key);
    if (keepArtifact) return;
    const stillUsed = [...this.tasks.values()].some((t) => t.digest === task.digest && t.taskId !== task.taskId);
    if (!stillUsed) this.artifacts.delete(task.digest);
  }

  private newestFirst(): ExecutionRecord[] {
    return [...this.executions.values()].sort((a, b) => compareUtf8(b.seq, a.seq));
  }

  private live(operation: string): void {
    if (!this.isOpen) throw storeUnavailable(operation, new Error('the store is not open'));
  }
}

function clone<T>(value: T | undefined): T | undefined;
function clone<T>(value: T): T;
function clone<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
