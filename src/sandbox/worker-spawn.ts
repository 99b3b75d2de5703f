/**
 * Starting one sandbox worker process: its entry module, Node's arguments and environment, the OS
 * sandbox's launcher around it, the pipe its messages travel on (channel-codec.ts), and
 * how its exit reads to an operator. WorkerProcess owns the process once it is started.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OsSandbox, WorkerLaunch } from './os/os-sandbox.js';
import { sandboxedNodeArgs } from './os/worker-launch.js';

/**
 * The worker's entry module, in the form the server itself runs: the compiled sandbox-worker.js
 * beside this file in dist/, or, when the server runs from the TypeScript sources (tests, tsx),
 * sandbox-worker.ts through the tsx loader.
 */
const COMPILED = import.meta.url.endsWith('.js');
const WORKER_ENTRY = fileURLToPath(new URL(COMPILED ? './sandbox-worker.js' : './sandbox-worker.ts', import.meta.url));
const LOADER_ARGS = COMPILED ? [] : ['--import', import.meta.resolve('tsx')];

export interface SpawnedWorker {
  child: ChildProcess;
  /** How the OS sandbox started it; undefined for a plain child process. */
  launch: WorkerLaunch | undefined;
}

/**
 * Forks a worker whose own heap is `heapMb` (isolates have their own limits), in `osSandbox` when
 * one is given. Throws if the worker's cgroups cannot be made (the Supervisor retries later).
 */
export function spawnWorker(heapMb: number, tenant: string | undefined, osSandbox: OsSandbox | undefined): SpawnedWorker {
  const nodeArgs = sandboxedNodeArgs(['--no-node-snapshot', ...LOADER_ARGS, `--max-old-space-size=${heapMb}`]);
  const launch = osSandbox?.launch(nodeArgs, tenant);
  const child = fork(WORKER_ENTRY, [], {
    // Node's IPC channel (fd 3) carries only the channel's life (the worker exits when it closes)
    // and the test hook; protocol messages go over a pipe of their own (fd 4, channel-codec.ts),
    // and the watcher thread's heartbeats over another (fd 5, parent-watch.ts).
    serialization: 'advanced',
    ...(launch ? { execPath: launch.execPath, execArgv: launch.execArgv } : { execArgv: nodeArgs }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe', 'pipe'],
    env: workerEnv(),
  });
  return { child, launch };
}

/** How a worker's end reads in logs and in the calls it failed. */
export function exitReason(code: number | null, signal: NodeJS.Signals | null, launch: WorkerLaunch | undefined, memoryCeilingMb: number): string {
  if (launch?.cgroups?.oomKilled()) return `was killed by the kernel at its memory ceiling (workerMemoryCeilingMb ${memoryCeilingMb} MB)`;
  if (signal) return `was killed by ${signal}`;
  // In an OS sandbox the launcher reports the worker's death by a signal as exit code 1.
  return launch && code === 1 ? 'ended (its OS sandbox exited with code 1: killed by a signal, or failed)' : `exited with code ${code}`;
}

/**
 * A worker inherits nothing of the server's environment (credentials and the like live there)
 * except the time zone, so guest dates read as the server's.
 */
function workerEnv(): NodeJS.ProcessEnv {
  const tz = process.env.TZ;
  return tz === undefined ? {} : { TZ: tz };
}
