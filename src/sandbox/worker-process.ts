/**
 * WorkerProcess: the server's handle on one sandbox worker process.
 *
 * Starts a worker (worker-spawn.ts), sends it requests over its pipe (channel-codec.ts) and
 * matches the answers to them by id (pending-answers.ts). When the process exits or its channel
 * breaks, every request still waiting ends at once. The Supervisor decides when to start, drain
 * and replace workers.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';
import type { ArtifactAnalysis, ExecutionHooks, FirstCall, InstanceSpec, Invocation, Outcome } from '../core/runtime/runtime.js';
import { GuestError, toWireGuestError } from '../capabilities/guest-error.js';
import { BatchedSender } from './batched-sender.js';
import { CHANNEL_FD, FrameReader, encodeFrame } from './channel-codec.js';
import type { OsSandbox } from './os/os-sandbox.js';
import { innerPid, killWorkerFirst } from './os/worker-launch.js';
import { registerTestHookWorker } from './os/test-hook.js';
import { SYNC_OVERRUN_MS, WATCHER_FD, WATCHER_LOST } from './parent-watch.js';
import { CANCEL_ANSWER_MS, PendingAnswers } from './pending-answers.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { WorkerGoneError, endedByServer, fromWire, workerFailure } from './worker-failures.js';
import { exitReason, spawnWorker } from './worker-spawn.js';

/** How long a closed channel waits for the exit status before failing the worker's calls. */
const EXIT_WAIT_MS = 50;

export type WorkerState = 'starting' | 'ready' | 'draining' | 'dead';

export interface WorkerEvents {
  /** The worker built its runtimes. */
  ready(worker: WorkerProcess): void;
  /** A heartbeat arrived (`rssBytes` is updated). */
  heartbeat(worker: WorkerProcess): void;
  /** The worker reported a state it should not keep serving in. */
  fault(worker: WorkerProcess, message: string): void;
  /** A call ended (its outcome arrived or the worker died). */
  callEnded(worker: WorkerProcess): void;
  /** The process is gone (calls waiting on it have been failed); `reason` says how. Called once. */
  exit(worker: WorkerProcess, reason: string): void;
}

export interface WorkerProcessOptions {
  config: Config;
  /** --max-old-space-size of the worker's own heap (isolates have their own limits). */
  heapMb: number;
  /** Tenant this worker is dedicated to, if any. */
  tenant?: string;
  events: WorkerEvents;
  /** The OS sandbox to start the process in (os/os-sandbox.ts); none: a plain child process. */
  osSandbox?: OsSandbox;
}

/** A `prepare` answered: the instance built in the worker, and the artifact's analysis. */
export interface Prepared {
  instanceId: string;
  memoryUsedBytes: number;
  analysis: ArtifactAnalysis;
}

export class WorkerProcess {
  /** The pid of the process the server forked (in an OS sandbox: its launcher, `unshare`). */
  private readonly forkedPid: number;
  /** In an OS sandbox: the worker's own pid, once the launcher has forked it. */
  private sandboxedPid: number | undefined;
  readonly tenant: string | undefined;
  readonly startedAt = Date.now();
  state: WorkerState = 'starting';
  /** Resident set size from the last heartbeat, bytes. */
  rssBytes = 0;
  lastHeartbeat = Date.now();
  /** Remote instances bound to this worker (maintained by RemoteInstance). */
  liveInstances = 0;
  /** Instances being built (they count towards the load before they exist). */
  creating = 0;
  /** Told once when this worker stops hosting instances (died, or drained): see RemoteInstance. */
  private readonly leaving = new Set<() => void>();
  /** Set when the server asked the process to go (drained, idle, shutdown): not a crash. */
  retiring = false;
  /** How the process ended, once it has. */
  exitReason: string | undefined;
  private readonly child: ChildProcess;
  /** The pipe the protocol's messages travel on (channel-codec.ts). */
  private readonly channel: Socket;
  /** Tells the test hook, if one is on, that the worker is ready (os/test-hook.ts). */
  private readonly testHookReady: () => void;
  /** The `unshare` the server forked, when the worker runs in namespaces. */
  private readonly launcherPid: number | undefined;
  private readonly events: WorkerEvents;
  private readonly pending = new PendingAnswers({
    cancel: (id) => this.send({ type: 'cancel', id }),
    cancelUnanswered: (id) => this.stopCancelled(id),
    callEnded: () => this.events.callEnded(this),
  });
  private readonly outbox = new BatchedSender<ToWorker>((batch) => this.writeBatch(batch));
  private nextId = 1;
  private exitReported = false;
  /** Why the server killed it, when it did (its exit then reads as that, not as SIGKILL). */
  private killedBecause: string | undefined;
  private readonly exited: Promise<void>;
  private resolveExited: () => void = () => {};

  constructor(options: WorkerProcessOptions) {
    this.tenant = options.tenant;
    this.events = options.events;
    // Throws if the worker's cgroups cannot be made: the Supervisor retries later.
    const { child, launch } = spawnWorker(options.heapMb, options.tenant, options.osSandbox);
    this.child = child;
    this.forkedPid = this.child.pid ?? -1;
    this.launcherPid = launch?.launcher ? this.forkedPid : undefined;
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    if (launch?.cgroups) void this.exited.then(() => launch.cgroups!.remove());
    this.channel = this.child.stdio[CHANNEL_FD] as Socket;
    const reader = new FrameReader<FromWorker>((batch) => {
      for (const message of batch) this.receive(message);
    });
    this.channel.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        this.fail(`sent what could not be read: ${(err as Error).message}`);
      }
    });
    // The process is going (its 'exit' and 'disconnect' say how); a write that fails meanwhile is moot.
    this.channel.on('error', () => {});
    // The watcher thread's heartbeats, sent while the main thread runs a guest call (parent-watch.ts).
    const watcher = (this.child.stdio as unknown as Socket[])[WATCHER_FD];
    watcher.on('data', (beats: Buffer) => {
      this.lastHeartbeat = Date.now();
      if (beats.includes(WATCHER_LOST)) this.mainThreadLost();
    });
    watcher.on('error', () => {});
    this.testHookReady = registerTestHookWorker(() => [this.pid], this.child);
    this.child.once('exit', (code, signal) => this.exit(exitReason(code, signal, launch, options.config.workerMemoryCeilingMb)));
    // The channel closes as the process dies, usually a moment before 'exit' (which says how it
    // died); if 'exit' does not follow at once the calls fail anyway.
    this.child.once('disconnect', () => setTimeout(() => this.fail('closed its channel'), EXIT_WAIT_MS).unref());
    this.child.on('error', (err) => {
      this.fail(`failed: ${err.message}`);
      if (this.child.pid === undefined) this.exit(`could not be started: ${err.message}`);
    });
    this.send({ type: 'init', config: options.config });
  }

  /**
   * The worker's pid: the process guest code runs in, which signals should reach. In an OS sandbox
   * that is the launcher's child, known a few milliseconds after the start (until then, the
   * launcher's pid: killing it kills the worker too).
   */
  get pid(): number {
    if (this.launcherPid === undefined) return this.forkedPid;
    if (this.sandboxedPid === undefined && this.state !== 'dead') this.sandboxedPid = innerPid(this.launcherPid);
    return this.sandboxedPid ?? this.forkedPid;
  }

  /** True while new instances may be placed here (not once it has been asked to go). */
  get accepting(): boolean {
    return !this.retiring && (this.state === 'starting' || this.state === 'ready');
  }

  get alive(): boolean {
    return this.state !== 'dead';
  }

  /**
   * A new task's analysis, and the instance that load built, kept in this worker. With `first`,
   * the task's first call goes in the same message and runs there as soon as the instance is
   * built; `firstOutcome` settles as `execute`'s promise does (rejecting with the load's error
   * when the load fails).
   */
  prepare(runtime: string, spec: InstanceSpec, first?: FirstCall): { prepared: Promise<Prepared>; firstOutcome?: Promise<Outcome> } {
    const id = this.nextId++;
    if (!first) return { prepared: this.build({ type: 'prepare', id, runtime, spec }) as Promise<Prepared> };
    const callId = this.nextId++;
    // Tracked before the request goes out: both answers come in the same batch.
    const firstOutcome = this.track(callId, first.hooks, first.signal, first.call.deadline);
    const prepared = this.build({ type: 'prepare', id, runtime, spec, first: { id: callId, call: first.call } }) as Promise<Prepared>;
    return { prepared, firstOutcome };
  }

  create(runtime: string, spec: InstanceSpec): Promise<{ instanceId: string; memoryUsedBytes: number }> {
    return this.build({ type: 'create', id: this.nextId++, runtime, spec }) as Promise<{ instanceId: string; memoryUsedBytes: number }>;
  }

  /**
   * Runs a call on an instance of this worker. Resolves with the outcome; if the worker dies first,
   * with FAILED / INSTANCE_FAILED. Rejects only with the errors the instance itself rejects with
   * (e.g. FUNCTION_NOT_FOUND). The signal sends a cancel; the outcome still comes back.
   */
  execute(instanceId: string, call: Invocation, hooks: ExecutionHooks, signal: AbortSignal): Promise<Outcome> {
    if (!this.alive) return Promise.resolve(workerFailure(this.describe('is gone')));
    const id = this.nextId++;
    const outcome = this.track(id, hooks, signal, call.deadline);
    this.send({ type: 'execute', id, instanceId, call });
    return outcome;
  }

  /** Waits for the answer to the call with this id: its log lines and chunks go to `hooks`. */
  private track(id: number, hooks: ExecutionHooks, signal: AbortSignal, deadline: number): Promise<Outcome> {
    if (!this.alive) return Promise.resolve(workerFailure(this.describe('is gone')));
    return this.pending.call(id, hooks, signal, deadline);
  }

  /** Calls in flight. */
  get running(): number {
    return this.pending.running;
  }

  /**
   * A cancelled call the worker did not answer within CANCEL_ANSWER_MS: it ends cancelled here, and
   * the worker, whose main thread is held by the guest, is killed (its other calls fail with it).
   */
  private stopCancelled(id: number): void {
    if (!this.alive) return;
    const stopped = this.pending.endCall(id, endedByServer('cancelled', 'execution cancelled'));
    if (stopped) this.killFor(`was killed: it did not stop a cancelled call within ${CANCEL_ANSWER_MS} ms`);
  }

  /**
   * The watcher thread says the main thread is still in a guest call SYNC_OVERRUN_MS past its
   * deadline (parent-watch.ts): the call that overran ends TIMEOUT, the worker is killed.
   */
  private mainThreadLost(): void {
    const message = (msPast: number) => `execution timed out: the guest held its sandbox worker's thread ${msPast} ms past the deadline, and the worker was killed`;
    this.pending.endOverdue(Date.now(), (msPast) => endedByServer('timeout', message(msPast)));
    this.killFor(`was killed: a guest call held its main thread ${SYNC_OVERRUN_MS} ms past the call's deadline (an isolate isolated-vm lost)`);
  }

  /** Kills the worker for `reason`, which its calls and its exit report. */
  private killFor(reason: string): void {
    this.killedBecause = reason;
    this.fail(reason);
  }

  /** The latest deadline of the calls in flight here, or undefined when none runs. */
  latestDeadline(): number | undefined {
    return this.pending.latestDeadline();
  }

  dispose(instanceId: string): void {
    if (this.alive) this.send({ type: 'dispose', instanceId });
  }

  evict(runtime: string, digest: string): void {
    if (this.alive) this.send({ type: 'evict', runtime, digest });
  }

  /**
   * Asks the process to go: closes its channel (the worker exits when it sees that) and kills it
   * if it is still there after `graceMs`. Resolves when it has exited.
   */
  retire(graceMs: number): Promise<void> {
    this.retiring = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.child.connected) this.child.disconnect();
      const timer = setTimeout(() => this.kill(), graceMs);
      timer.unref();
      void this.exited.then(() => clearTimeout(timer));
    }
    return this.exited;
  }

  /** SIGKILL, for a worker that does not answer. */
  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const launcherGone = () => this.child.exitCode !== null || this.child.signalCode !== null;
    if (this.launcherPid === undefined || !killWorkerFirst(this.pid, this.launcherPid, () => launcherGone() || this.child.kill('SIGKILL'))) this.child.kill('SIGKILL');
  }

  describe(what: string): string {
    return `sandbox worker ${this.pid}${this.tenant !== undefined ? ` (tenant '${this.tenant}')` : ''} ${what}`;
  }

  /** A request that builds an instance here, counted in `creating` until it is answered. */
  private async build(message: ToWorker & { id: number }): Promise<FromWorker> {
    this.creating++;
    try {
      return await this.request(message);
    } finally {
      this.creating--;
    }
  }

  private request(message: ToWorker & { id: number }): Promise<FromWorker> {
    if (!this.alive) return Promise.reject(new WorkerGoneError(this.describe('is gone')));
    const answered = this.pending.request(message.id);
    this.send(message);
    return answered;
  }

  private send(message: ToWorker): void {
    this.outbox.send(message);
  }

  private writeBatch(batch: ToWorker[]): void {
    if (!this.child.connected || !this.channel.writable) return; // `fail` has ended (or is about to end) every request
    try {
      this.channel.write(encodeFrame(batch));
    } catch (err) {
      this.fail(`could not be written to: ${(err as Error).message}`);
    }
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'log':
      case 'chunk': {
        const hooks = this.pending.hooksOf(message.id);
        if (!hooks) return;
        try {
          if (message.type === 'log') hooks.onLog(message.line);
          else hooks.onChunk(message.chunk, () => this.send({ type: 'credit', id: message.id, n: 1 }));
        } catch {
          // A hook's failure is the caller's problem, not the worker's.
        }
        return;
      }
      case 'host':
        this.hostCall(message);
        return;
      case 'outcome':
      case 'error':
      case 'prepared':
      case 'created':
        this.pending.answer(message.id, message, message.type === 'error' ? fromWire(message.error) : undefined);
        return;
      case 'heartbeat':
        this.lastHeartbeat = Date.now();
        this.rssBytes = message.rssBytes;
        this.events.heartbeat(this);
        return;
      case 'ready':
        this.lastHeartbeat = Date.now();
        if (this.state === 'starting') this.state = 'ready';
        this.testHookReady();
        this.events.ready(this);
        return;
      case 'fault':
        this.events.fault(this, message.message);
        return;
    }
  }

  /** Answers a guest's host call through the hooks of its call; a call that has ended gets nothing. */
  private hostCall(m: Extract<FromWorker, { type: 'host' }>): void {
    const hooks = this.pending.hooksOf(m.id);
    if (!hooks) return;
    const handler = hooks.onHostCall;
    const answer = handler ? handler.call(hooks, m.op, m.payload) : Promise.reject(new GuestError('TypeError', `host call '${m.op}' is not available here`));
    answer.then(
      (value) => this.send({ type: 'hostReply', id: m.id, req: m.req, ok: true, value }),
      (err: unknown) => this.send({ type: 'hostReply', id: m.id, req: m.req, ok: false, error: toWireGuestError(err) }),
    );
  }

  /** `listener` is told, once, when this worker dies or is drained (unless it was asked to go). */
  onLeaving(listener: () => void): void {
    this.leaving.add(listener);
  }

  offLeaving(listener: () => void): void {
    this.leaving.delete(listener);
  }

  /** Takes no new instances from now on; the instances it hosts are told to move. */
  markDraining(): void {
    this.state = 'draining';
    this.announceLeaving();
  }

  private announceLeaving(): void {
    const listeners = [...this.leaving];
    this.leaving.clear();
    for (const listener of listeners) listener();
  }

  /** The worker can no longer answer: end everything waiting on it, once, and make sure it goes. */
  private fail(reason: string): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    if (!this.retiring) this.kill();
    this.pending.failAll(this.describe(reason));
    // A crash, not a retirement: its instances rebuild elsewhere (a retired worker hosts none).
    if (!this.retiring) this.announceLeaving();
  }

  private exit(exitStatus: string): void {
    const reason = this.killedBecause ?? exitStatus;
    this.fail(reason);
    if (this.exitReported) return;
    this.exitReported = true;
    this.exitReason = reason;
    this.resolveExited();
    this.events.exit(this, reason);
  }
}
