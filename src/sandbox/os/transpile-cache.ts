/**
 * A read-only transpile cache for sandboxed workers. Workers load their TypeScript through tsx,
 * which caches what it transpiles under $TMPDIR/tsx-<uid>; a sandboxed worker's /tmp is private
 * and empty, so each would transpile everything again (about a second per start on a busy
 * machine). The server fills a cache of its own once at start, by importing the worker's modules
 * in a child process, and each worker sees it read-only: no worker can write what another loads.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../logger.js';

const TSX_LOADER = import.meta.resolve('tsx');
/** What a worker loads (sandbox-worker.ts, and the runtimes it imports once it is told to start). */
const WORKER_MODULES = ['../sandbox-worker.ts', '../../../runtimes/v8-isolate/index.ts', '../../../runtimes/wasm/index.ts'].map((m) => new URL(m, import.meta.url).href);

/** The cache folder to bind (tsx's own layout: <dir>/tsx-<uid>), or undefined if it could not be filled. */
export function fillTranspileCache(log: Logger): string | undefined {
  // The compiled build (dist/) loads JavaScript: nothing to transpile.
  if (import.meta.url.endsWith('.js')) return undefined;
  const dir = path.join(os.tmpdir(), `spearlet-os-sandbox-tsx-${process.getuid?.() ?? 0}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const code = `${WORKER_MODULES.map((m) => `await import(${JSON.stringify(m)});`).join(' ')} process.exit(0);`;
    execFileSync(process.execPath, ['--no-node-snapshot', '--import', TSX_LOADER, '--input-type=module', '-e', code], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
    const cache = path.join(dir, `tsx-${process.getuid?.() ?? 0}`);
    return fs.existsSync(cache) ? cache : undefined;
  } catch (err) {
    log.warn({ err: String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).slice(0, 500) }, 'could not fill the sandbox workers\' transpile cache; each worker transpiles its code itself');
    return undefined;
  }
}

/** Where tsx looks for its cache inside the sandbox, as the user the worker runs as. */
export function sandboxCachePath(uidInside: number): string {
  return `/tmp/tsx-${uidInside}`;
}

