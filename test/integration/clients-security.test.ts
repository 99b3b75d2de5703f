/**
 * The CLI and the conformance runner against a server with TLS and authentication: tokens from
 * --token or SPEARLET_TOKEN, the server checked against --ca; and the token recipe of
 * docs/security-network.md.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/spearlet-process.js';
import { jsSpec, startTestServer, type TestServer } from './harness.js';
import { clientFor, makePki, newToken, type Pki, sha256, writeAuthFile } from './security-helpers.js';

// Servers, sandbox workers and CLI processes start slowly on a loaded machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-clients-'));
const acme = newToken();
const admin = newToken();
let pki: Pki;
let t: TestServer;

const cli = (args: string[], env: Record<string, string> = {}) => runCli(t.server.address, args, env);

beforeAll(async () => {
  pki = makePki();
  const authFile = path.join(dir, 'auth.json');
  writeAuthFile(authFile, [
    { token: acme, tenant: 'acme', role: 'invoke' },
    { token: admin, tenant: 'ops', role: 'admin' },
  ]);
  t = await startTestServer({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, authFile });
  const c = clientFor(t.server.address, { token: acme, ca: pki.ca });
  await c.invoke({ taskName: 'acme-task', artifactSpec: jsSpec('export default () => 1;') });
  c.close();
});

afterAll(async () => {
  await t.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe('CLI with TLS and a token', () => {
  it('lists the tenant\'s tasks with SPEARLET_TOKEN and --ca, and with --token', async () => {
    const viaEnv = await cli(['tasks', '--json', '--ca', pki.ca], { SPEARLET_TOKEN: acme });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(viaEnv.stdout).toContain('acme-task');
    const viaFlag = await cli(['tasks', '--json', '--ca', pki.ca, '--token', acme]);
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(viaFlag.stdout).toContain('acme-task');
  });

  it('reports a missing or unknown token, and a half-given client certificate', async () => {
    const none = await cli(['tasks', '--ca', pki.ca]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no credentials: send the metadata 'authorization: Bearer <token>' \(UNAUTHENTICATED/);
    const wrong = await cli(['tasks', '--ca', pki.ca, '--token', 'nope']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the bearer token is not known/);
    const half = await cli(['tasks', '--ca', pki.ca, '--cert', pki.serverCert]);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/--cert and --key go together/);
  });
});

describe('conformance runner with TLS and a token', () => {
  it('passes its cases through the guard', async () => {
    const run = await cli(['conformance', '--filter', '^executions: (GetExecutionStatus|CancelExecution)', '--ca', pki.ca, '--token', admin]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\d+ passed, 0 failed/);
  });
});

describe('docs/security-network.md', () => {
  it('its token recipe writes the digest the server compares', () => {
    const out = execFileSync('sh', ['-c', "openssl rand -base64 32 | tr -d '\\n=' > acme.token && sha256sum < acme.token | cut -d' ' -f1 && cat acme.token"], { cwd: dir, encoding: 'utf8' });
    const [digest, token] = out.split('\n');
    expect(digest).toBe(sha256(token));
  });
});
