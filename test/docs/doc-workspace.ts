/**
 * Where the doc test runs a page's commands: a fresh directory laid out like a clone (package.json,
 * bin/, dist/, node_modules/, fixtures/, proto/ linked from this checkout), `spearlet` and
 * `npx spearlet` on PATH resolving to this checkout's bin/spearlet.js, and a real `spearlet serve`
 * started there as the quick start does (RocksDB in ./data), on free loopback ports.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, SPEARLET_BIN, servingAddress, spawnSpearlet, type Watched } from '../helpers/spearlet-process.js';

const LINKED = ['package.json', 'bin', 'dist', 'node_modules', 'fixtures', 'proto'];

/** The addresses the docs use, and which of the test server's they mean. */
const DOC_GRPC = /\b127\.0\.0\.1:50051\b/g;
const DOC_HTTP = /\b(?:localhost|127\.0\.0\.1):8080\b/g;

/** Commands a test never runs: they install, build images, reach clusters or start the server it already started. */
const NOT_RUNNABLE = /^(?:npm (?:ci|i|install|start|test|link)\b|git |docker |podman |kubectl |sudo |(?:npx )?spearlet serve\b|grpcurl )/;

export function unrunnable(command: string): boolean {
  return NOT_RUNNABLE.test(command.trim());
}

export interface Workspace {
  dir: string;
  /** Runs one command with bash in the directory; stderr is merged into stdout, as a terminal shows it. */
  run(command: string): { status: number | null; output: string };
  stop(): Promise<void>;
}

export async function openWorkspace(): Promise<Workspace> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-doctest-'));
  const dir = path.join(base, 'work');
  const bin = path.join(base, 'bin');
  fs.mkdirSync(dir);
  fs.mkdirSync(bin);
  for (const name of LINKED) fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
  shim(bin, 'spearlet', `exec "${process.execPath}" "${SPEARLET_BIN}" "$@"`);
  // In a clone `npx spearlet` runs the package's own bin; here that is this checkout's. Nothing else.
  shim(bin, 'npx', `[ "$1" = spearlet ] || { echo "doc test: npx runs only spearlet" >&2; exit 127; }\nshift\nexec spearlet "$@"`);

  let server: Watched | undefined;
  try {
    server = spawnSpearlet(['serve', '--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0'], {}, dir);
    const grpc = await servingAddress(server);
    const [, http] = await server.waitFor(/HTTP trigger on http:\/\/(127\.0\.0\.1:\d+)/);
    const env = { ...process.env, PATH: `${bin}:${ROOT}node_modules/.bin:${process.env.PATH}`, SPEARLET_TARGET: grpc, NO_COLOR: '1' };
    const running = server;
    return {
      dir,
      run(command) {
        const script = `exec 2>&1\n${command.replace(DOC_GRPC, grpc).replace(DOC_HTTP, http)}`;
        const r = spawnSync('bash', ['-c', script], { cwd: dir, env, encoding: 'utf8', timeout: 180_000 });
        return { status: r.status, output: r.stdout ?? '' };
      },
      async stop() {
        running.child.kill('SIGTERM');
        await running.exited;
        fs.rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (err) {
    server?.child.kill('SIGKILL');
    fs.rmSync(base, { recursive: true, force: true });
    throw err;
  }
}

function shim(bin: string, name: string, body: string): void {
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}
