/**
 * The sandbox worker: a child process of the server that hosts guest code. It builds a
 * RuntimeManager with the in-process runtimes (isolated-vm is loaded here, never in the server)
 * and serves the protocol of protocol.ts: many instances per worker, one call at a time per
 * instance, log lines and chunks forwarded as they happen, a heartbeat with the process RSS.
 *
 * The worker holds nothing that must survive it: when the server closes the channel (shutdown,
 * drain, or the server itself died) it exits, and if it dies the server fails its calls and starts
 * another. Entry point: forked by worker-process.ts.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import type { Config } from '../config.js';
import { type Instance, type PreparedTask, withDefaultExport } from '../core/runtime/runtime.js';
import { RuntimeManager } from '../core/runtime/runtime-manager.js';
import { OutcomeCodes, toSpearletError } from '../errors.js';
import { type OutcomeLimits, boundOutcome } from '../core/execution/outcome-bounds.js';
import { registerInProcessRuntimes } from '../runtimes.js';
import { BatchedSender } from './batched-sender.js';
import { CHANNEL_FD, FrameReader, encodeFrame } from './channel-codec.js';
import { exitNow, watchParent } from './parent-watch.js';
import { HostCalls } from './host-calls.js';
import { type FromWorker, HEARTBEAT_MS, type ToWorker, type WireErrorInfo } from './protocol.js';

/** Makes the kernel's OOM killer pick a sandbox worker before the server (Linux; best effort). */
const OOM_SCORE_ADJ = '500';

const instances = new Map<string, Instance>();
/** Host calls of running guests, waiting for the server's answer. */
const hostCalls = new HostCalls((message) => send(message));
const calls = new Map<number, AbortController>();
/** Per call, the `delivered` callbacks of its chunks sent and not yet credited by the server, oldest first. */
const undelivered = new Map<number, Array<() => void>>();
let manager: RuntimeManager | undefined;
let starting: Promise<RuntimeManager> | undefined;
const parentPid = process.ppid;
/** Results and error messages over these never leave the worker (set from the config at start). */
let outcomeLimits: OutcomeLimits | undefined;

/**
 * The pipe the protocol's messages travel on (channel-codec.ts); Node's IPC channel only says when
 * the server goes.
 */
const channel = new net.Socket({ fd: CHANNEL_FD, readable: true, writable: true });
// The server may close the pipe at any moment (shutdown, or it died): a write that fails then
// (EPIPE) is moot, and the IPC channel's 'disconnect' ends this process.
channel.on('error', () => {});

const outbox = new BatchedSender<FromWorker>((batch, written) => {
  if (channel.writable) channel.write(encodeFrame(batch), () => written());
  else written();
});

function send(message: FromWorker): void {
  outbox.send(message);
}

function wire(err: unknown): WireErrorInfo {
  const e = toSpearletError(err);
  return e.field === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, field: e.field };
}

async function start(config: Config): Promise<RuntimeManager> {
  try {
    fs.writeFileSync('/proc/self/oom_score_adj', OOM_SCORE_ADJ);
  } catch {
    // Not Linux, or not allowed: the RSS watchdog still bounds the worker.
  }
  // Before isolated-vm starts its threads, which inherit it (Linux keeps niceness per thread):
  // guest code then yields the CPU to the server's gRPC, store and health work, so a busy or
  // hostile guest cannot starve the control plane.
  try {
    os.setPriority(config.workerNice);
  } catch {
    // Not allowed here: the worker runs at the server's priority.
  }
  outcomeLimits = { maxResultBytes: config.maxResultBytes, maxErrorMessageBytes: config.maxErrorMessageBytes };
  const m = new RuntimeManager();
  await registerInProcessRuntimes(m, config, {
    // The isolate's thread and memory are lost for good: tell the server, which replaces us.
    onCatastrophicError: (message) => outbox.sendNow({ type: 'fault', message: `isolated-vm catastrophic error: ${message}` }),
    // A warm call may run on this thread when it is the only call here; the watcher thread
    // bounds how long it may keep it.
    ...(config.workerSyncEntryMs > 0 && { syncEntry: { quickCallMs: config.workerSyncEntryMs, open: () => calls.size <= 1, ...mainThread } }),
  });
  manager = m;
  send({ type: 'ready', pid: process.pid });
  const heartbeat = setInterval(() => {
    // Orphaned (the server was killed and the channel close went unnoticed): nothing to serve.
    if (process.ppid !== parentPid) exitNow();
    send({ type: 'heartbeat', rssBytes: process.memoryUsage.rss(), instances: instances.size });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return m;
}

function execute(m: Extract<ToWorker, { type: 'execute' }>): void {
  const instance = instances.get(m.instanceId);
  if (!instance) {
    const outcome = { status: 'failed', errorCode: OutcomeCodes.INSTANCE_FAILED, errorMessage: `no instance ${m.instanceId} in this sandbox worker`, cpuTimeUs: 0, memoryUsedBytes: 0, instanceUsable: false } as const;
    calls.delete(m.id);
    send({ type: 'outcome', id: m.id, outcome });
    return;
  }
  const id = m.id;
  // A first call has had its controller since its `prepare` arrived (a cancel may have come since).
  const abort = calls.get(id) ?? new AbortController();
  calls.set(id, abort);
  const hooks = {
    onLog: (line: string) => send({ type: 'log', id, line }),
    onChunk: (chunk: Extract<FromWorker, { type: 'chunk' }>['chunk'], delivered: () => void) => {
      let waiting = undelivered.get(id);
      if (!waiting) undelivered.set(id, (waiting = []));
      waiting.push(delivered);
      send({ type: 'chunk', id, chunk });
    },
    onHostCall: (op: string, payload: unknown) => hostCalls.ask(id, op, payload),
  };
  instance.execute(m.call, hooks, abort.signal).then(
    (outcome) => {
      calls.delete(id);
      undelivered.delete(id);
      hostCalls.end(id);
      send({ type: 'outcome', id, outcome: outcomeLimits ? boundOutcome(outcome, outcomeLimits) : outcome });
    },
    (err) => {
      calls.delete(id);
      undelivered.delete(id);
      hostCalls.end(id);
      send({ type: 'error', id, error: wire(err) });
    },
  );
}

async function handle(m: ToWorker, runtimes: RuntimeManager): Promise<void> {
  switch (m.type) {
    case 'execute':
      execute(m);
      return;
    case 'cancel':
      calls.get(m.id)?.abort();
      return;
    case 'credit': {
      const waiting = undelivered.get(m.id);
      for (const delivered of waiting?.splice(0, m.n) ?? []) delivered();
      return;
    }
    case 'hostReply':
      hostCalls.answer(m);
      return;
    case 'dispose': {
      const instance = instances.get(m.instanceId);
      instances.delete(m.instanceId);
      instance?.dispose();
      return;
    }
    case 'create':
      try {
        const instance = await runtimes.byRuntimeName(m.runtime).createInstance(m.spec);
        instances.set(instance.id, instance);
        send({ type: 'created', id: m.id, instanceId: instance.id, memoryUsedBytes: instance.memoryUsedBytes() });
      } catch (err) {
        send({ type: 'error', id: m.id, error: wire(err) });
      }
      return;
    case 'prepare': {
      const first = m.first;
      if (first) calls.set(first.id, new AbortController());
      let prepared: PreparedTask;
      try {
        prepared = await runtimes.byRuntimeName(m.runtime).prepare(m.spec);
      } catch (err) {
        send({ type: 'error', id: m.id, error: wire(err) });
        if (first) {
          calls.delete(first.id);
          send({ type: 'error', id: first.id, error: wire(err) });
        }
        return;
      }
      const { analysis, instance } = prepared;
      instances.set(instance.id, instance);
      send({ type: 'prepared', id: m.id, instanceId: instance.id, memoryUsedBytes: instance.memoryUsedBytes(), analysis });
      if (first) execute({ type: 'execute', id: first.id, instanceId: instance.id, call: withDefaultExport(first.call, analysis) });
      return;
    }
    case 'evict':
      runtimes.byRuntimeName(m.runtime).evict?.(m.digest);
      return;
    case 'init':
      return;
  }
}

const reader = new FrameReader<ToWorker>((batch) => {
  for (const m of batch) receive(m);
});
channel.on('data', (chunk: Buffer) => reader.push(chunk));

function receive(m: ToWorker): void {
  if (m.type === 'init') {
    starting ??= start(m.config);
    starting.catch((err) => {
      process.stderr.write(`sandbox worker ${process.pid}: could not start its runtimes: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(70);
    });
    return;
  }
  // Calls are the hot path: no extra turn once the runtimes are up.
  if (manager) void handle(m, manager);
  else void starting?.then((runtimes) => handle(m, runtimes));
}

// The server closed the channel (shutdown, drain) or died: nothing left to serve. The watcher
// thread covers a main thread too busy to see this (parent-watch.ts).
const mainThread = watchParent(parentPid);
process.on('disconnect', () => exitNow());
