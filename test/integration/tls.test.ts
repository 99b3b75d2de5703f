/**
 * TLS and mutual TLS with certificates made by `openssl`, on a real server: a plaintext client
 * fails, a client trusting the CA works, mutual TLS maps a client certificate to a tenant, the
 * metrics port serves the same certificate, and SIGHUP reloads the certificate and the credentials
 * file of a running `spearlet serve` without dropping it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FunctionClient } from '../../src/client/function-client.js';
import { jsSpec, params, startTestServer, type TestServer, valueOf } from './harness.js';
import { HealthClient } from './health-client.js';
import { clientFor, makePki, newToken, type Pki, refusal, writeAuthFile } from './security-helpers.js';

// Servers, sandbox workers and CLI processes start slowly on a loaded machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let pki: Pki;

beforeAll(() => {
  pki = makePki();
});

afterAll(() => {
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

const call = { taskName: 'sq', artifactSpec: jsSpec('export default ({ x }) => x * x;'), parameters: params({ x: 9 }) };

/** The SHA-256 fingerprint of the certificate a TLS server presents to a new connection. */
function presented(address: string, ca: string, alpn = ['h2']): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca: fs.readFileSync(ca), ALPNProtocols: alpn, servername: 'localhost' }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

const fingerprint = (file: string) => new X509Certificate(fs.readFileSync(file)).fingerprint256;

describe('TLS', () => {
  let t: TestServer;
  afterAll(async () => t?.stop());

  it('serves clients that trust the CA, refuses plaintext ones, and serves metrics over HTTPS with the same certificate', async () => {
    t = await startTestServer({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, metricsListen: '127.0.0.1:0', metricsTls: true });
    const secure = new FunctionClient(t.server.address, {}, { ca: pki.ca });
    expect(valueOf((await secure.invoke(call)).result?.result)).toBe(81);
    secure.close();

    const plain = new FunctionClient(t.server.address);
    const refused = await refusal(plain.listTasks({}, { deadlineMs: 5_000 }));
    expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain(refused.code);
    plain.close();

    expect(await HealthClient.check(t.server.address, grpc.credentials.createSsl(fs.readFileSync(pki.ca)))).toBe('SERVING');

    const body = await new Promise<string>((resolve, reject) => {
      https.get(`https://${t.server.metricsAddress}/metrics`, { ca: fs.readFileSync(pki.ca) }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toMatch(/spearlet_executions_total/);
  });
});

describe('mutual TLS', () => {
  let t: TestServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-mtls-'));
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses clients without a certificate, and maps a client certificate to its tenant', async () => {
    const authFile = path.join(dir, 'auth.json');
    writeAuthFile(authFile, [], { certificates: [{ san: 'URI:spiffe://acme/worker', tenant: 'acme', role: 'invoke' }] });
    t = await startTestServer({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, tlsClientCa: pki.ca, authFile });
    const worker = pki.issue('worker', 'worker', 'URI:spiffe://acme/worker');
    const stranger = pki.issue('stranger', 'stranger', 'DNS:stranger.example');

    const noCert = new FunctionClient(t.server.address, {}, { ca: pki.ca });
    expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain((await refusal(noCert.listTasks({}, { deadlineMs: 5_000 }))).code);
    noCert.close();

    const acme = new FunctionClient(t.server.address, {}, { ca: pki.ca, cert: worker.cert, key: worker.key });
    const res = await acme.invoke(call);
    expect(valueOf(res.result?.result)).toBe(81);
    expect((await acme.getTask({ taskId: res.taskId })).task?.artifactSpec?.metadata?.tenant).toBe('acme');
    acme.close();

    const unmapped = new FunctionClient(t.server.address, {}, { ca: pki.ca, cert: stranger.cert, key: stranger.key });
    const r = await refusal(unmapped.listTasks({}));
    expect(r.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(r.details).toMatch(/the client certificate names no identity of the credentials file/);
    unmapped.close();
  });
});

describe('SIGHUP', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-hup-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reloads the certificate and the credentials file without dropping the server', async () => {
    const cert = path.join(dir, 'server.pem');
    const key = path.join(dir, 'server.key');
    fs.copyFileSync(pki.serverCert, cert);
    fs.copyFileSync(pki.serverKey, key);
    const authFile = path.join(dir, 'auth.json');
    const keep = newToken();
    const revoke = newToken();
    writeAuthFile(authFile, [
      { token: keep, tenant: 'acme', role: 'invoke' },
      { token: revoke, tenant: 'acme', role: 'invoke' },
    ]);
    child = spawn(process.execPath, ['bin/spearlet.js', 'serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'data'), '--artifact-root', dir, '--tls-cert', cert, '--tls-key', key, '--auth-file', authFile, '--sandbox-workers', '1', '--metrics-listen', '127.0.0.1:0', '--metrics-tls'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
      const end = Date.now() + 90_000;
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m;
        if (Date.now() > end || child!.exitCode !== null) throw new Error(`no ${pattern} in output:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const [, address] = await waitFor(/serving gRPC over TLS on (127\.0\.0\.1:\d+)/);
    const [, metricsAddress] = await waitFor(/Prometheus metrics on https:\/\/(127\.0\.0\.1:\d+)\/metrics/);
    const kept = clientFor(address, { token: keep, ca: pki.ca });
    const revoked = clientFor(address, { token: revoke, ca: pki.ca });
    expect(valueOf((await kept.invoke(call)).result?.result)).toBe(81);
    expect((await revoked.listTasks({})).tasks.length).toBe(1);
    expect(await presented(address, pki.ca)).toBe(fingerprint(pki.serverCert));

    // A new certificate and a file without the revoked token, then SIGHUP.
    const next = pki.issue('server2', 'localhost', 'IP:127.0.0.1,DNS:localhost');
    fs.copyFileSync(next.cert, cert);
    fs.copyFileSync(next.key, key);
    writeAuthFile(authFile, [{ token: keep, tenant: 'acme', role: 'invoke' }]);
    child.kill('SIGHUP');
    await waitFor(/reloaded auth file \(1 tokens/);

    const r = await refusal(revoked.listTasks({}));
    expect(r.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(r.details).toMatch(/the bearer token is not known/);
    // The open connection still serves; new connections get the new certificate.
    expect(valueOf((await kept.invoke(call)).result?.result)).toBe(81);
    expect(await presented(address, pki.ca)).toBe(fingerprint(next.cert));
    expect(await presented(metricsAddress, pki.ca, [])).toBe(fingerprint(next.cert));

    // A broken file is reported and the previous one stays in force.
    fs.writeFileSync(authFile, '{"tokens": [], "oops": 1}');
    child.kill('SIGHUP');
    await waitFor(/reload failed, the previous one stays in force: auth file: .*oops: unknown key/);
    expect((await kept.listTasks({})).tasks.length).toBe(1);
    kept.close();
    revoked.close();
    child.kill('SIGTERM');
    await new Promise((r) => child!.on('exit', r));
  }, 240_000);
});
