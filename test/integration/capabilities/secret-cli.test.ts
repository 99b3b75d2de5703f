/**
 * `spearlet secret` as an admin runs it: the real launcher as a child process, the value on stdin.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../helpers/spearlet-process.js';
import { type TestServer, startTestServer } from '../harness.js';

let t: TestServer;

const cli = (args: string[], stdin = '') => runCli(t.server.address, ['secret', ...args], {}, stdin);

beforeAll(async () => {
  t = await startTestServer({ secretsKey: Buffer.alloc(32, 7).toString('base64') });
});
afterAll(() => t?.stop());

describe('spearlet secret', () => {
  it('puts a value from stdin, lists names only and deletes', async () => {
    expect(await cli(['put', 'DB_PASSWORD'], 'hunter2-long\n')).toMatchObject({ code: 0, stdout: 'created secret DB_PASSWORD\n' });
    expect(await cli(['put', 'DB_PASSWORD'], 'hunter3-long\n')).toMatchObject({ code: 0, stdout: 'updated secret DB_PASSWORD\n' });
    const listed = await cli(['list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).secrets.map((s: { name: string }) => s.name)).toEqual(['DB_PASSWORD']);
    expect(listed.stdout).not.toContain('hunter');
    expect(await cli(['delete', 'DB_PASSWORD'])).toMatchObject({ code: 0, stdout: 'deleted secret DB_PASSWORD\n' });
    const gone = await cli(['delete', 'DB_PASSWORD']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("no secret named 'DB_PASSWORD' (NOT_FOUND, SECRET_NOT_FOUND)");
    // Six launcher start-ups (tsx compiles the CLI each time): slow on a loaded machine.
  }, 120_000);

  it('explains a server without a secrets key', async () => {
    const bare = await startTestServer();
    try {
      const child = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, ['bin/spearlet.js', 'secret', 'put', 'X'], { cwd: ROOT, env: { ...process.env, SPEARLET_TARGET: bare.server.address }, stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        p.stderr.on('data', (d) => (stderr += d));
        p.on('exit', (code) => resolve({ code, stderr }));
        p.stdin.end('v');
      });
      expect(child.code).toBe(1);
      expect(child.stderr).toContain('secrets are not enabled on this server: start it with --secrets-key-file or SPEARLET_SECRETS_KEY (FAILED_PRECONDITION, SECRETS_UNAVAILABLE)');
    } finally {
      await bare.stop();
    }
  }, 60_000);

  it('rejects a missing name as a usage error', async () => {
    expect((await cli(['put'])).code).toBe(2);
  });
});
