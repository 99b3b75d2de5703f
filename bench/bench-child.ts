/**
 * Forks one of the benchmark's helper processes (a .ts file beside this one) with the loader flags
 * this process runs with; resolves once the child sends its first message (it is ready).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchChildOptions {
  args?: string[];
  /** Given the child's first message. */
  onReady?: (message: unknown) => void;
  /** 'json' for a child that stands in for a sandbox worker (their channel, see channel-codec.ts). */
  serialization?: 'advanced' | 'json';
  /** More Node flags for the child (e.g. --cpu-prof). */
  execArgv?: string[];
}

export async function forkBenchChild(file: string, what: string, options: BenchChildOptions = {}): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), options.args ?? [], {
    execArgv: ['--no-node-snapshot', '--import', 'tsx', ...(options.execArgv ?? [])],
    serialization: options.serialization ?? 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (message) => {
      options.onReady?.(message);
      resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)));
  });
  return child;
}

/** Disconnects a child forked by forkBenchChild and resolves once it has exited (it exits on disconnect). */
export function closeBenchChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.disconnect();
  });
}
