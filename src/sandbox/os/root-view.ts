/**
 * The read-only file view of a sandboxed worker: what it must read to run, and nothing else.
 *
 * - the Node binary and the shared libraries it, setpriv and isolated-vm's addon link to (from
 *   `ldd`), found once at start;
 * - the project's code the worker loads (src/, runtimes/, package.json, tsconfig.json) and
 *   node_modules;
 * - /etc/localtime, so guest dates read as the server's.
 *
 * Not in it: the data directory, the artifact roots (masked if they lie under a bound folder),
 * /home, /root, /etc, host /proc and /sys. Called by OsSandbox at start.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';

/** The project's root folder (holding package.json). */
// From src/sandbox/os/ three levels up; the compiled copy lives one level deeper, under dist/.
const HERE_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const PROJECT_ROOT = path.basename(HERE_ROOT) === 'dist' ? path.dirname(HERE_ROOT) : HERE_ROOT;
/** What of the project a worker loads. */
const PROJECT_PATHS = ['src', 'runtimes', 'dist', 'node_modules', 'package.json', 'tsconfig.json'];

export interface RootView {
  /** Host paths bound read-only at the same path. */
  readonly readOnly: readonly string[];
  /** Paths under those that are hidden behind an empty mount. */
  readonly masked: readonly string[];
}

/**
 * Builds the view. `tools` are binaries the launcher runs inside it (setpriv); `extra` are files a
 * test adds (its hook module). Throws when `ldd` is missing or fails on the Node binary.
 */
export function rootView(config: Config, tools: readonly string[], extra: readonly string[] = []): RootView {
  const readOnly = new Set<string>();
  const add = (p: string): void => {
    if (fs.existsSync(p)) readOnly.add(p);
  };
  add(process.execPath);
  add(fs.realpathSync(process.execPath));
  for (const binary of [process.execPath, ...tools, ...nativeAddons()]) {
    add(binary);
    for (const lib of sharedLibraries(binary)) add(lib);
  }
  for (const p of PROJECT_PATHS) add(path.join(PROJECT_ROOT, p));
  add('/etc/localtime');
  for (const p of extra) add(p);
  const bound = [...readOnly];
  const secret = [config.dataDir, ...config.artifactRoots];
  const masked = secret.filter((s) => bound.some((b) => s === b || s.startsWith(b + path.sep)));
  for (const s of secret) {
    if (readOnly.has(s)) readOnly.delete(s);
  }
  return { readOnly: [...readOnly], masked };
}

/** isolated-vm's native addons for this platform (the worker loads one of them). */
function nativeAddons(): string[] {
  let dir: string;
  try {
    dir = path.dirname(fileURLToPath(import.meta.resolve('isolated-vm/package.json')));
  } catch {
    return [];
  }
  const prebuilds = path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`);
  const out = path.join(dir, 'out');
  return [prebuilds, out].filter((d) => fs.existsSync(d)).flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.node') && !f.includes('musl')).map((f) => path.join(d, f)));
}

/** The libraries `ldd` says a binary loads (the dynamic loader included). */
function sharedLibraries(binary: string): string[] {
  let text: string;
  try {
    text = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('ldd is not installed (Debian: libc-bin)');
    return []; // not a dynamic executable (a static binary, or another architecture's addon)
  }
  const libs: string[] = [];
  for (const line of text.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}
