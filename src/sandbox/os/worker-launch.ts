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
 * way (launch.sh, chroot, setpriv) into node. Undefined when /proc cannot tell.
 */
export function innerPid(launcherPid: number): number | undefined {
  try {
    const children = fs.readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, 'utf8').trim();
    return children === '' ? undefined : Number(children.split(/\s+/)[0]);
  } catch {
    return undefined;
  }
}
