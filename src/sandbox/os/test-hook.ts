/**
 * TEST ONLY: lets a test play a guest that escaped the isolate, by running host-side JavaScript in
 * a live sandbox worker process (test/integration/os-sandbox/).
 *
 * Nothing reaches it in a normal server: it is off unless the test process itself calls
 * `setWorkerTestHook` before starting its server (no flag, no environment variable, no request).
 * When on, WorkerProcess adds `--import <module>` to the workers it starts and registers them
 * here; the module (under test/) answers `runInWorker` messages on the worker's IPC channel.
 */
import type { ChildProcess } from 'node:child_process';

let hookModule: string | undefined;
const children = new Map<number, ChildProcess>();
let nextId = 1;

/** The worker-side module to --import into workers started from now on; undefined: none. */
export function setWorkerTestHook(modulePath: string | undefined): void {
  hookModule = modulePath;
  if (modulePath === undefined) children.clear();
}

export function workerTestHook(): string | undefined {
  return hookModule;
}

/**
 * Called by WorkerProcess for each worker it starts; gives back what to call once the worker is
 * ready (its pid as the server reports it is known by then).
 */
export function registerTestHookWorker(pids: () => number[], child: ChildProcess): () => void {
  if (hookModule === undefined) return () => {};
  const add = (): void => {
    for (const pid of pids()) children.set(pid, child);
  };
  add();
  child.once('exit', () => {
    for (const [pid, c] of children) if (c === child) children.delete(pid);
  });
  return add;
}

export interface HookResult {
  value?: unknown;
  error?: { code?: string; message: string };
}

/** Runs `code` (an async function body; `require` is in scope) in the worker with this pid. */
export function runInWorker(pid: number, code: string, timeoutMs = 60_000): Promise<HookResult> {
  const child = children.get(pid);
  if (!child?.connected) return Promise.reject(new Error(`no hooked sandbox worker with pid ${pid}`));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new Error(`the hook in worker ${pid} did not answer within ${timeoutMs} ms`))), timeoutMs);
    const onMessage = (m: unknown): void => {
      const r = m as { testHookId?: number } & HookResult;
      if (r && !Array.isArray(r) && r.testHookId === id) done(() => resolve({ value: r.value, error: r.error }));
    };
    const onExit = (code: number | null, signal: string | null): void => done(() => resolve({ error: { code: 'WORKER_EXITED', message: `the worker exited (${signal ?? code})` } }));
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ testHookId: id, testHookCode: code });
  });
}
