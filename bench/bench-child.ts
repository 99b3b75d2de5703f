/**
 * Forks one of the benchmark's helper processes (a .ts file beside this one) with the loader flags
 * this process runs with and the IPC serialization spearlet's sandbox workers use; resolves once
 * the child sends its first message (it is ready), which `onReady` is given.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function forkBenchChild(file: string, what: string, args: string[] = [], onReady: (message: unknown) => void = () => {}): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: ['--no-node-snapshot', '--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (message) => {
      onReady(message);
      resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)));
  });
  return child;
}
