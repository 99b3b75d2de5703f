/**
 * A sandbox worker dies with its server. The worker's main thread notices the IPC channel closing
 * ('disconnect'), but only when it is free to: a main thread flooded by a guest's host callbacks,
 * or stuck in isolated-vm's exit path while an isolate thread still runs guest code, never gets
 * there, and the worker would spin on as an orphan. So a small thread of its own (worker_threads,
 * its own event loop) checks the parent pid every PARENT_CHECK_MS and SIGKILLs the whole process
 * once the server is gone; `exitNow` does the same for the main thread, which must not wait on
 * isolates to wind down. Linux's parent-death signal would do this in the kernel, but Node has no
 * prctl; the thread costs one small V8 heap per worker.
 *
 * The same thread stands in for a main thread running a guest call it entered synchronously
 * (runtimes/v8-isolate/sync-entry.ts). The main thread writes into shared memory how long it may
 * stay in the guest (the call's deadline plus SYNC_OVERRUN_MS) and clears it when it is back.
 * Meanwhile the thread tells the server the process is alive, a byte on a pipe of its own
 * (WATCHER_FD) every PARENT_CHECK_MS, since the main thread sends no heartbeat (a stopped process
 * sends nothing, so the server still sees it hang). Past the bound the main thread is lost
 * (isolated-vm's timeout ends the entry at the deadline; an isolate isolated-vm lost on a huge
 * allocation holds it for good): the thread sends WATCHER_LOST instead, and the server kills the
 * process. It cannot kill itself there: in the OS sandbox the worker is its pid namespace's init,
 * which the kernel shields from signals sent from inside the namespace, its own included.
 */
import { Worker } from 'node:worker_threads';

/** How often the watcher thread looks for its parent. */
export const PARENT_CHECK_MS = 250;

/** How long past its deadline a synchronous guest entry may keep the main thread. */
export const SYNC_OVERRUN_MS = 1_000;
/** The worker's file descriptor of the watcher's pipe: a byte is a heartbeat (see above). */
export const WATCHER_FD = 5;
/** The byte the watcher sends once the main thread is lost in a guest call. */
export const WATCHER_LOST = 0x78; // 'x'

const WATCHER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const busyUntil = new Float64Array(workerData.busyUntil);
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(workerData.self, 'SIGKILL');
  const until = busyUntil[0];
  if (until === 0) return;
  const lost = Date.now() > until;
  try { writeSync(workerData.fd, lost ? 'x' : 'h'); } catch {}
  if (lost) process.kill(workerData.self, 'SIGKILL');
}, workerData.every);
`;

/** The main thread's side of the watcher: how long it may stay in a synchronous guest entry. */
export interface MainThreadBound {
  /** The main thread enters guest code whose deadline is `deadline` (epoch ms). */
  entering(deadline: number): void;
  left(): void;
}

/**
 * Starts the watcher thread: the process is killed as soon as `parentPid` is no longer its parent,
 * or when the main thread outstays a bound it set.
 */
export function watchParent(parentPid: number): MainThreadBound {
  const shared = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
  const busyUntil = new Float64Array(shared);
  const watcher = new Worker(WATCHER_SOURCE, {
    eval: true,
    workerData: { parent: parentPid, self: process.pid, every: PARENT_CHECK_MS, busyUntil: shared, fd: WATCHER_FD },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    stdout: false,
    stderr: false,
  });
  watcher.unref();
  return {
    entering: (deadline) => (busyUntil[0] = deadline + SYNC_OVERRUN_MS),
    left: () => (busyUntil[0] = 0),
  };
}

/**
 * Ends this process at once. `process.exit` runs isolated-vm's cleanup, which waits for isolate
 * threads that may be running guest code that never ends; nothing in a worker needs flushing.
 */
export function exitNow(): never {
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered before kill() returns for the calling process; satisfy the type.
  for (;;) process.exit(0);
}
