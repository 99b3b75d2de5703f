/**
 * Runs the memory scenario (memory-child.ts) in a fresh process, so nothing the other scenarios
 * left behind counts, and returns its figures.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IsolationMode } from '../src/config.js';
import type { MemoryResult } from './memory-child.js';

export type { MemoryResult };

export function measureMemory(isolation: IsolationMode, instances: number): Promise<MemoryResult> {
  const child = fork(fileURLToPath(new URL('./memory-child.ts', import.meta.url)), [isolation, String(instances)], {
    execArgv: ['--no-node-snapshot', '--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (m: { ok: boolean; result?: MemoryResult; error?: string }) => {
      settled = true;
      if (m.ok) resolve(m.result!);
      else reject(new Error(`memory scenario failed: ${m.error}`));
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`memory scenario exited with ${code}`));
    });
  });
}
