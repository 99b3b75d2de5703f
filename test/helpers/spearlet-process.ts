/**
 * The `spearlet` launcher (bin/spearlet.js) as a child process, the way a person or a script runs
 * it: a client command run to its exit, or a long-lived process (`serve`) whose output is watched.
 * Used by the CLI, serve, fault and doc tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SPEARLET_BIN = `${ROOT}bin/spearlet.js`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `spearlet ARGS` against `target` to its exit (no colours; stdin closed, or fed `stdin`). */
export function runCli(target: string, args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SPEARLET_BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', SPEARLET_TARGET: target, ...env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Watched {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** The first match of `pattern` in the output; throws when the process exits or `ms` pass first. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

const started: ChildProcess[] = [];

/** Starts `command ARGS` (env as given, not merged) and watches its output; killSpawned() ends it. */
export function spawnWatched(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Watched {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> => {
    const end = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(out);
      if (m) return m;
      if (Date.now() > end || child.exitCode !== null) throw new Error(`no ${pattern} in output:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, waitFor, output: () => out };
}

/** `node bin/spearlet.js ARGS` with this process's environment plus `env`. */
export function spawnSpearlet(args: string[], env: Record<string, string> = {}, cwd = ROOT): Watched {
  return spawnWatched(process.execPath, [SPEARLET_BIN, ...args], { cwd, env: { ...process.env, ...env } });
}

/** The gRPC address a `serve` process logs once it listens. */
export async function servingAddress(server: Watched): Promise<string> {
  return (await server.waitFor(/serving gRPC(?: over TLS)? on (127\.0\.0\.1:\d+)/))[1];
}

/** SIGKILLs every process started here that is still running (for afterEach). */
export function killSpawned(): void {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
