/**
 * Small helpers WorkerProcess uses to start a worker inside the OS sandbox.
 */
import * as fs from 'node:fs';
import { workerTestHook } from './test-hook.js';

/** Node's arguments for a worker, with the test hook's --import when a test turned it on. */
export function sandboxedNodeArgs(base: readonly string[]): string[] {
  const hook = workerTestHook();
  return hook === undefined ? [...base] : [...base, '--import', hook];
}

/**
 * The pid of the worker a launcher started: `unshare --fork` forks once, and the child execs its
 * way (launch.sh, chroot, setpriv) into node; bubblewrap forks an init, which forks node.
 * Undefined while that process does not exist yet, or when /proc cannot tell.
 */
export function innerPid(launcherPid: number): number | undefined {
  let pid = launcherPid;
  for (let depth = 0; depth < 3; depth++) {
    let child: number;
    try {
      const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (children === '') return undefined;
      child = Number(children.split(/\s+/)[0]);
    } catch {
      return undefined;
    }
    if (commOf(child) !== 'bwrap') return child;
    pid = child;
  }
  return undefined;
}

function commOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** How long a launcher may take to exit after its worker was killed before it is killed too. */
const KILL_LAUNCHER_MS = 1_000;

/**
 * SIGKILLs a sandboxed worker before its launcher: the launcher reaps it, then exits (killing the
 * launcher first would leave the worker to its parent-death signal, and a zombie to init).
 * `killLauncher` runs after KILL_LAUNCHER_MS in case the launcher stays. False when the worker
 * could not be signalled (unknown or gone): kill the launcher then.
 */
export function killWorkerFirst(workerPid: number, launcherPid: number, killLauncher: () => unknown): boolean {
  if (workerPid === launcherPid) return false;
  try {
    process.kill(workerPid, 'SIGKILL');
  } catch {
    return false;
  }
  setTimeout(killLauncher, KILL_LAUNCHER_MS).unref();
  return true;
}
