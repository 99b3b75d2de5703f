/**
 * `spearlet serve` as an operator runs it: flags, environment, clean shutdown, clear start-up errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionClient } from '../../src/client/function-client.js';
import { jsSpec, params, valueOf } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];

function spearlet(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/spearlet.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> => {
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

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-serve-'));
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('spearlet serve', () => {
  it('serves on the given address and data dir, and SIGTERM drains and exits 0', async () => {
    const dir = await tempDir();
    const s = spearlet(['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'data'), '--artifact-root', dir]);
    const [, address] = await s.waitFor(/serving gRPC on (127\.0\.0\.1:\d+)/);
    const client = new FunctionClient(address);
    const res = await client.invoke({ taskName: 'sq', artifactSpec: jsSpec('export default ({ x }) => x * x;'), parameters: params({ x: 7 }) });
    expect(valueOf(res.result?.result)).toBe(49);
    client.close();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).toMatch(/stopped cleanly/);
    await expect(fs.stat(path.join(dir, 'data', 'CURRENT'))).resolves.toBeTruthy();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('takes its settings from SPEARLET_* variables', async () => {
    const dir = await tempDir();
    const s = spearlet(['serve'], { SPEARLET_LISTEN: '127.0.0.1:0', SPEARLET_DATA_DIR: path.join(dir, 'envdata'), SPEARLET_ARTIFACT_ROOT: dir });
    await s.waitFor(/serving gRPC on/);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    await expect(fs.stat(path.join(dir, 'envdata'))).resolves.toBeTruthy();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses an unknown flag with a clear error, suggesting the near one', async () => {
    const s = spearlet(['serve', '--lisen', '127.0.0.1:1']);
    expect(await s.exited).toBe(2);
    expect(s.output()).toContain("spearlet serve: Unknown option '--lisen'; did you mean '--listen'?");
  });

  it('refuses a malformed listen address naming the flag', async () => {
    const s = spearlet(['serve', '--listen', 'nowhere']);
    expect(await s.exited).toBe(2);
    expect(s.output()).toContain('spearlet serve: --listen: must be HOST:PORT (got "nowhere")');
  });

  it('names the environment variable a bad value came from, and says when a flag won over it', async () => {
    const env = spearlet(['serve'], { SPEARLET_WORKER_NICE: '40' });
    expect(await env.exited).toBe(2);
    expect(env.output()).toContain('spearlet serve: SPEARLET_WORKER_NICE: must be an integer from 0 to 19 (got "40")');
    const both = spearlet(['serve', '--worker-nice', 'x'], { SPEARLET_WORKER_NICE: '5' });
    expect(await both.exited).toBe(2);
    expect(both.output()).toContain('spearlet serve: --worker-nice: must be an integer from 0 to 19 (got "x"; the flag wins over SPEARLET_WORKER_NICE="5")');
  });

  it('refuses an unusable data dir with a clear error', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'not-a-dir');
    await fs.writeFile(file, 'x');
    const s = spearlet(['serve', '--listen', '127.0.0.1:0', '--data-dir', file]);
    expect(await s.exited).not.toBe(0);
    expect(s.output()).toMatch(/store open failed|not-a-dir/);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
