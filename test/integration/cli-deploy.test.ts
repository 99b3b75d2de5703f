/**
 * The CLI's deploy / versions / logs workflow as a user runs it: the real `spearlet` command as a
 * child process against a test server. Also --version, "did you mean", --raw and the message when
 * no server answers.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from './harness.js';

// Each test spawns the CLI several times; on a loaded machine one spawn takes seconds.
const SLOW = 120_000;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

let t: TestServer;
let dir: string;

function cli(args: string[], env: Record<string, string> = {}, onStdout?: (chunk: string, elapsed: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['bin/spearlet.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', SPEARLET_TARGET: t.server.address, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      onStdout?.(d.toString(), Date.now() - started);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code, stdout: bytes.toString(), stderr, bytes });
    });
  });
}

function write(name: string, source: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, source);
  return file;
}

beforeAll(async () => {
  t = await startTestServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-cli-'));
});
afterAll(async () => {
  await t.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('spearlet deploy, versions and logs', () => {
  it('--version prints the package version; mistyped commands and flags get a suggestion', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: `spearlet ${pkg.version}\n` });
    const cmd = await cli(['invok', 'x']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain("unknown command 'invok'; did you mean 'invoke'?");
    const flag = await cli(['deploy', 'x.js', '--memroy', '64']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--memroy'; did you mean '--memory'?");
  });

  it('deploys a TypeScript file with a local import, with limits and environment, without running it', async () => {
    write('src/util.ts', 'export const shout = (s: string): string => s.toUpperCase() + "!";\n');
    const entry = write('src/index.ts', [
      "import { shout } from './util.js';",
      'export default function greet(p: { name: string }, ctx: { env: Record<string, string> }): string {',
      '  console.log(`greeting ${p.name}`);',
      '  return `${ctx.env.GREETING} ${shout(p.name)}`;',
      '}',
    ].join('\n'));
    const r = await cli(['deploy', entry, '--name', 'greeter', '--memory', '48', '--timeout', '4000', '--min-instances', '0', '--max-instances', '3', '--concurrency', '2', '--task-env', 'GREETING=hello', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const task = JSON.parse(r.stdout) as Record<string, any>;
    expect(task).toMatchObject({ created: true, taskName: 'greeter', version: 1, current: true, artifactType: 'javascript', executionCount: 0 });
    expect(task.metadata).toMatchObject({ memory_limit_mb: '48', timeout_ms: '4000', max_instances: '3', max_concurrency: '2' });

    const called = await cli(['invoke', 'greeter', '-p', 'name=ada']);
    expect(called).toMatchObject({ code: 0, stdout: 'hello ADA!\n' });

    // The same file again: unchanged. Another option: version 2, which the name now calls.
    const same = await cli(['deploy', entry, '--name', 'greeter', '--memory', '48', '--timeout', '4000', '--min-instances', '0', '--max-instances', '3', '--concurrency', '2', '--task-env', 'GREETING=hello']);
    expect(same.code).toBe(0);
    expect(same.stderr).toMatch(/^UNCHANGED greeter version 1/);
    const v2 = await cli(['deploy', entry, '--name', 'greeter', '--task-env', 'GREETING=hi']);
    expect(v2.stderr).toMatch(/^DEPLOYED greeter version 2 · bundled 2 files/);
    expect(v2.stdout).toMatch(/version\s+2 \(current\)/);
    expect((await cli(['invoke', 'greeter', '-p', 'name=bob'])).stdout).toBe('hi BOB!\n');
    const v1Id = task.taskId as string;
    expect((await cli(['invoke', v1Id, '-p', 'name=old'])).stdout).toBe('hello OLD!\n');

    const table = await cli(['tasks', '--prefix', 'greeter']);
    expect(table.stdout).toMatch(/^TASK ID\s+NAME\s+VERSION\s+TYPE/);
    expect(table.stdout).toMatch(new RegExp(`${v1Id}\\s+greeter\\s+1\\s+javascript`));
    expect(table.stdout).toMatch(/greeter\s+2 \*\s+javascript/);
  }, SLOW);

  it('a TypeScript syntax error names the file, line and column; a missing import is refused', async () => {
    const bad = write('bad.ts', 'export default function f(): number {\n  return 1 +;\n}\n');
    write('bad-import.ts', "import { x } from './missing.js';\nexport default () => x;\n");
    const r = await cli(['deploy', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.ts:2:\d+: Unexpected ";"/);
    const m = await cli(['deploy', path.join(dir, 'bad-import.ts')]);
    expect(m.code).toBe(1);
    expect(m.stderr).toContain('Could not resolve "./missing.js"');
  });

  it('--raw writes a bytes result as its bytes', async () => {
    const file = write('bytes.js', 'export default () => new Uint8Array([0, 1, 2, 255, 10]);\n');
    const plain = await cli(['invoke', file]);
    expect(plain.stdout).toBe('bytes (base64) AAEC/wo=\n');
    const raw = await cli(['invoke', 'bytes', '--raw']);
    expect(raw.code).toBe(0);
    expect([...raw.bytes]).toEqual([0, 1, 2, 255, 10]);
  }, SLOW);

  it('logs --follow prints lines as the execution writes them and exits with its status', async () => {
    const file = write('ticker.js', [
      'export default async function ({ n }) {',
      '  for (let i = 0; i < n; i++) { console.log(`tick ${i}`); await new Promise((r) => setTimeout(r, 1500)); }',
      '  throw new Error("done ticking");',
      '}',
    ].join('\n'));
    await cli(['deploy', file]);
    const started = await cli(['invoke', 'ticker', '-p', 'n:int=5', '--async', '--no-wait']);
    const executionId = started.stdout.trim();
    expect(executionId).toMatch(/^exec-/);
    const running = await cli(['status', executionId]);
    expect(running.code).toBe(4);
    const arrivals: number[] = [];
    const followed = await cli(['logs', executionId, '--follow'], {}, (_chunk, elapsed) => arrivals.push(elapsed));
    expect(followed.stdout).toBe('tick 0\ntick 1\ntick 2\ntick 3\ntick 4\n');
    expect(followed.stderr).toMatch(/^FAILED exec-/);
    expect(followed.code).toBe(3);
    expect(arrivals.length).toBeGreaterThan(1);
    const after = await cli(['logs', executionId]);
    expect(after).toMatchObject({ code: 3, stdout: 'tick 0\ntick 1\ntick 2\ntick 3\ntick 4\n' });
  }, SLOW);

  it('without a server the error says how to start one or where to point the CLI', async () => {
    const r = await cli(['tasks'], { SPEARLET_TARGET: '127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the server (from $SPEARLET_TARGET)');
    expect(r.stderr).toContain("start one with 'spearlet serve'");
    expect(r.stderr).toContain('--target HOST:PORT or SPEARLET_TARGET');
  });
});
