#!/usr/bin/env node
/**
 * Compiles the TypeScript sources (src/, runtimes/) to JavaScript under dist/, one .js per .ts
 * with the same layout, so `new URL('../../proto/…', import.meta.url)` and the sandbox worker's
 * entry resolve the same way from dist/ as from the sources. Copies proto/ and fixtures/ beside
 * them. Runs as `npm run build` and as the `prepare` script, so `npm ci` leaves a runnable build.
 *
 * esbuild only transpiles; `npm run typecheck` (tsc --noEmit) is the type check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'dist');
const SOURCE_DIRS = ['src', 'runtimes'];
const COPIED_DIRS = ['proto', 'fixtures'];
/** Files the compiled code reads beside itself (the OS sandbox's launcher script). */
const COPIED_FILES = ['src/sandbox/os/launch.sh'];

/** Every .ts file under `dir` (not .d.ts). */
function sources(dir) {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

const started = performance.now();
// Built beside dist/ and swapped in at the end, so a process running dist/ (a test's CLI, a server)
// never sees it half-written.
const next = `${out}.next-${process.pid}`;
fs.rmSync(next, { recursive: true, force: true });
await build({
  entryPoints: SOURCE_DIRS.flatMap(sources),
  outdir: next,
  outbase: root,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const dir of COPIED_DIRS) fs.cpSync(path.join(root, dir), path.join(next, dir), { recursive: true });
for (const file of COPIED_FILES) fs.cpSync(path.join(root, file), path.join(next, file));
// Node reads "type" from the nearest package.json: dist/ holds ES modules like the sources. The
// version is what `spearlet --version` prints (it reads ../../package.json from src/cli/ and
// dist/src/cli/ alike).
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
fs.writeFileSync(path.join(next, 'package.json'), `${JSON.stringify({ type: 'module', version }, null, 2)}\n`);
const old = `${out}.old-${process.pid}`;
if (fs.existsSync(out)) fs.renameSync(out, old);
fs.renameSync(next, out);
fs.rmSync(old, { recursive: true, force: true });
process.stderr.write(`built dist/ in ${Math.round(performance.now() - started)} ms\n`);
