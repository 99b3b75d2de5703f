/**
 * A sandbox worker dies with its server. The worker's main thread notices the IPC channel closing
 * ('disconnect'), but only when it is free to: a main thread flooded by a guest's host callbacks,
 * or stuck in isolated-vm's exit path while an isolate thread still runs guest code, never gets
 * there, and the worker would spin on as an orphan. So a small thread of its own (worker_threads,
 * its own event loop) checks the parent pid every PARENT_CHECK_MS and SIGKILLs the whole process
 * once the server is gone; `exitNow` does the same for the main thread, which must not wait on
 * isolates to wind down. Linux's parent-death signal would do this in the kernel, but Node has no
 * prctl; the thread costs one small V8 heap per worker.
 */
import { Worker } from 'node:worker_threads';

/** How often the watcher thread looks for its parent. */
export const PARENT_CHECK_MS = 250;

const WATCHER_SOURCE = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(workerData.self, 'SIGKILL');
}, workerData.every);
`;

/** Starts the watcher thread: the process is killed as soon as `parentPid` is no longer its parent. */
export function watchParent(parentPid: number): Worker {
  const watcher = new Worker(WATCHER_SOURCE, {
    eval: true,
    workerData: { parent: parentPid, self: process.pid, every: PARENT_CHECK_MS },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    stdout: false,
    stderr: false,
  });
  watcher.unref();
  return watcher;
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
