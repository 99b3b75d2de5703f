/**
 * An in-memory Store with the same semantics as RocksDbStore, for unit tests. Records are cloned
 * in and out, so callers can never change stored state by mutating what they passed or got back.
 */
import { invalidArgument, storeUnavailable } from '../errors.js';
import { FiguresDelta, type StoredFigures, addFigures, emptyStoredFigures, hourOf } from './aggregates.js';
import { clampLimit, compareUtf8, pageOf } from './paging.js';
import { TERMINAL_STATUSES, type ExecutionRecord, type TaskRecord, listingView } from './records.js';
import type { ExpiryResult, ExpiryRule, ListExecutionsQuery, ListTasksQuery, Page, PutExecutionOptions, Store, StoredCounts } from './store.js';

const nameKey = (name: string, digest: string): string => `${name}\0${digest}`;

export class MemoryStore implements Store {
  private isOpen = false;
  private readonly artifacts = new Map<string, Uint8Array>();
  private readonly tasks = new Map<string, TaskRecord>();
  /** name\0digest → taskId, like the `task-name:` index (the last task put with that pair). */
  private readonly names = new Map<string, string>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private lifetime = emptyStoredFigures();
  private readonly hours = new Map<number, StoredFigures>();

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
      // Figures are not lowered: they describe what ran (see aggregates.ts).
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
    const old = this.executions.get(execution.executionId);
    if (TERMINAL_STATUSES.has(execution.status) && !(old && TERMINAL_STATUSES.has(old.status))) this.count(execution);
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
      // Our own ids carry their seq, so a cursor outlives its (expired) execution.
      const own = /^exec-([0-9A-HJKMNP-TV-Z]{26})$/.exec(query.startAfter);
      if (!cursor && !own) throw invalidArgument('start_after', `no execution with id '${query.startAfter}' (it may have expired; list again from the first page)`);
      before = cursor ? cursor.seq : own![1];
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

  async figures(): Promise<StoredFigures> {
    this.live('figures');
    return structuredClone(this.lifetime);
  }

  async figuresSince(sinceMs: number): Promise<StoredFigures> {
    this.live('figuresSince');
    const sum = emptyStoredFigures();
    for (const [hour, f] of this.hours) if (hour >= hourOf(sinceMs)) addFigures(sum, f);
    return sum;
  }

  async storedExecutions(): Promise<StoredCounts> {
    this.live('storedExecutions');
    const byTask = new Map<string, number>();
    for (const e of this.executions.values()) byTask.set(e.taskId, (byTask.get(e.taskId) ?? 0) + 1);
    return { total: this.executions.size, byTask };
  }

  async expireExecutions(rule: ExpiryRule): Promise<ExpiryResult> {
    this.live('expireExecutions');
    const oldest = [...this.executions.values()].sort((a, b) => compareUtf8(a.seq, b.seq));
    const doomed = new Set<ExecutionRecord>();
    let more = false;
    let lastSeq: string | undefined;
    if (rule.beforeSeq !== undefined) {
      const before = rule.beforeSeq;
      const aged = oldest.filter((e) => compareUtf8(e.seq, before) < 0 && (rule.afterSeq === undefined || compareUtf8(e.seq, rule.afterSeq) > 0));
      more = aged.length > rule.limit;
      for (const e of aged.slice(0, rule.limit)) if (TERMINAL_STATUSES.has(e.status)) doomed.add(e);
      lastSeq = aged.slice(0, rule.limit).at(-1)?.seq;
    }
    const keep = rule.keepPerTask ?? 0;
    if (keep > 0) {
      const byTask = new Map<string, ExecutionRecord[]>();
      for (const e of oldest) if (!doomed.has(e)) byTask.set(e.taskId, [...(byTask.get(e.taskId) ?? []), e]);
      for (const list of byTask.values()) {
        let excess = list.length - keep;
        for (const e of list) {
          if (excess <= 0) break;
          if (doomed.size >= rule.limit) {
            more = true;
            break;
          }
          if (!TERMINAL_STATUSES.has(e.status)) continue;
          doomed.add(e);
          excess--;
        }
      }
    }
    for (const e of doomed) this.executions.delete(e.executionId);
    return { removed: doomed.size, more, lastSeq };
  }

  async collectArtifacts(): Promise<number> {
    this.live('collectArtifacts');
    const used = new Set([...this.tasks.values()].map((t) => t.digest));
    let removed = 0;
    for (const digest of [...this.artifacts.keys()]) {
      if (used.has(digest)) continue;
      this.artifacts.delete(digest);
      removed++;
    }
    return removed;
  }

  private count(e: ExecutionRecord): void {
    const delta = new FiguresDelta();
    delta.finished(e);
    // In place: a copy of every function's count per write grew with the functions ever run.
    addFigures(this.lifetime, delta.lifetime);
    for (const [hour, f] of delta.hours) {
      let bucket = this.hours.get(hour);
      if (!bucket) this.hours.set(hour, (bucket = emptyStoredFigures()));
      addFigures(bucket, f);
    }
  }

  unwritable(): undefined {
    return undefined;
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
