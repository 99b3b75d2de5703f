/**
 * Authentication and authorization on a real server: every refusal code, open health probes,
 * refusals counted by reason and logged without the token, the secure default.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { jsSpec, params, startTestServer, type TestServer, valueOf } from './harness.js';
import { clientFor, newToken, refusal, writeAuthFile } from './security-helpers.js';

// Servers, sandbox workers and CLI processes start slowly on a loaded machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-auth-'));
const authFile = path.join(dir, 'auth.json');
const acme = newToken();
const admin = newToken();
let t: TestServer;

beforeAll(async () => {
  writeAuthFile(authFile, [
    { token: acme, tenant: 'acme', role: 'invoke' },
    { token: admin, tenant: 'ops', role: 'admin' },
  ]);
  t = await startTestServer({ authFile, metricsListen: '127.0.0.1:0' });
});

afterAll(async () => {
  await t.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = { taskName: 'sq', artifactSpec: jsSpec('export default ({ x }) => x * x;'), parameters: params({ x: 6 }) };

describe('authentication', () => {
  it('refuses a call without credentials, with a malformed header, and with an unknown token: UNAUTHENTICATED', async () => {
    const none = await refusal(t.client.invoke(call));
    expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(none.details).toMatch(/no credentials: send the metadata 'authorization: Bearer <token>'/);

    const raw = t.client.raw as unknown as { ListTasks: (req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null) => void) => void };
    const md = new grpc.Metadata();
    md.set('authorization', `Basic ${acme}`);
    const malformed = await new Promise<grpc.ServiceError | null>((resolve) => raw.ListTasks.call(t.client.raw, {}, md, resolve));
    expect(malformed?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(malformed?.details).toMatch(/must be 'Bearer <token>'/);

    const unknown = clientFor(t.server.address, { token: newToken() });
    const u = await refusal(unknown.getStats({}));
    expect(u.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(u.details).toMatch(/the bearer token is not known/);
    unknown.close();
  });

  it('serves a known token, and refuses it naming another tenant: PERMISSION_DENIED', async () => {
    const c = clientFor(t.server.address, { token: acme });
    const res = await c.invoke(call);
    expect(valueOf(res.result?.result)).toBe(36);
    const task = await c.getTask({ taskId: res.taskId });
    expect(task.task?.artifactSpec?.metadata?.tenant).toBe('acme');

    const other = clientFor(t.server.address, { token: acme, tenant: 'globex' });
    const denied = await refusal(other.listTasks({}));
    expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(denied.details).toMatch(/the tenant metadata names 'globex', but the credential's tenant is 'acme'/);

    const spec = await refusal(c.invoke({ ...call, artifactSpec: jsSpec('export default () => 1;', { tenant: 'globex' }) }));
    expect(spec.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(spec.details).toMatch(/artifact_spec.metadata.tenant names 'globex'/);
    c.close();
    other.close();
  });

  it('lets an admin see every tenant, or act as one', async () => {
    const c = clientFor(t.server.address, { token: admin });
    const all = await c.listTasks({ includeDetails: true });
    expect(all.tasks.some((x) => x.artifactSpec?.metadata?.tenant === 'acme')).toBe(true);
    const asGlobex = clientFor(t.server.address, { token: admin, tenant: 'globex' });
    expect((await asGlobex.listTasks({})).tasks).toEqual([]);
    c.close();
    asGlobex.close();
  });

  it('keeps grpc.health.v1 open for probes', async () => {
    const { HealthClient } = await import('./health-client.js');
    expect(await HealthClient.check(t.server.address)).toBe('SERVING');
  });

  it('counts refusals by reason in Prometheus', async () => {
    const text = await (await fetch(`http://${t.server.metricsAddress}/metrics`)).text();
    expect(text).toMatch(/spearlet_refused_calls_total\{reason="missing_credentials"\} [1-9]/);
    expect(text).toMatch(/spearlet_refused_calls_total\{reason="malformed_credentials"\} [1-9]/);
    expect(text).toMatch(/spearlet_refused_calls_total\{reason="unknown_credentials"\} [1-9]/);
    expect(text).toMatch(/spearlet_refused_calls_total\{reason="permission_denied"\} [1-9]/);
  });
});

describe('refusal logs', () => {
  it('name the reason and the peer, never the token', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-authlog-'));
    const server = await startServer(resolveConfig({ listen: '127.0.0.1:0', dataDir: path.join(base, 'data'), authFile, sandboxWorkers: 1, prewarmIsolates: 0 }), pino({ level: 'info' }, sink));
    const secret = newToken();
    const c = clientFor(server.address, { token: secret });
    await refusal(c.listTasks({}));
    c.close();
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
    const refused = lines.filter((l) => l.includes('refused ListTasks'));
    expect(refused.length).toBe(1);
    expect(refused[0]).toMatch(/"reason":"unknown_credentials"/);
    expect(refused[0]).toMatch(/"peer":"127\.0\.0\.1:\d+"/);
    expect(lines.join('')).not.toContain(secret);
  });
});

describe('the credentials file', () => {
  it('refuses to start on an unknown key or a bad entry, naming the field', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ tokens: [{ sha256: 'ab'.repeat(32), tenant: 'acme', role: 'invoke', quota: 3 }] }));
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-authbad-'));
    await expect(startServer(resolveConfig({ listen: '127.0.0.1:0', dataDir: path.join(base, 'data'), authFile: bad }))).rejects.toThrow(/tokens\[0\]\.quota: unknown key/);
    fs.writeFileSync(bad, JSON.stringify({ tokens: [{ sha256: 'ab'.repeat(32), tenant: 'acme', role: 'root' }] }));
    await expect(startServer(resolveConfig({ listen: '127.0.0.1:0', dataDir: path.join(base, 'data'), authFile: bad }))).rejects.toThrow(/tokens\[0\]\.role: must be one of invoke, admin, got 'root'/);
    fs.writeFileSync(bad, JSON.stringify({ tokens: [], tenants: { acme: { max_concurent: 1 } } }));
    await expect(startServer(resolveConfig({ listen: '127.0.0.1:0', dataDir: path.join(base, 'data'), authFile: bad }))).rejects.toThrow(/tenants\.acme\.max_concurent: unknown key/);
    fs.rmSync(base, { recursive: true, force: true });
  });
});

describe('the secure default', () => {
  it('listens beyond loopback only with TLS and authentication, or --insecure', () => {
    expect(() => resolveConfig({ listen: '0.0.0.0:0' })).toThrow(/listen: 0\.0\.0\.0:0 is not a loopback address: serve it with tlsCert, tlsKey and authFile/);
    expect(() => resolveConfig({ listen: '0.0.0.0:0', authFile })).toThrow(/not a loopback address/);
    expect(() => resolveConfig({ listen: '[::]:0', tlsCert: 'c.pem', tlsKey: 'k.pem' })).toThrow(/not a loopback address/);
    expect(() => resolveConfig({ listen: '127.0.0.1:0', metricsListen: '0.0.0.0:0' })).toThrow(/metricsListen: 0\.0\.0\.0:0 is not a loopback address/);
    expect(resolveConfig({ listen: '0.0.0.0:0', tlsCert: 'c.pem', tlsKey: 'k.pem', authFile }).listen).toBe('0.0.0.0:0');
    expect(resolveConfig({ listen: '0.0.0.0:0', insecure: true }).insecure).toBe(true);
    expect(() => resolveConfig({ tlsCert: 'c.pem' })).toThrow(/tlsKey: tlsCert and tlsKey go together/);
    expect(() => resolveConfig({ tlsClientCa: 'ca.pem' })).toThrow(/tlsClientCa: mutual TLS needs tlsCert and tlsKey/);
  });

  it('warns on every start with --insecure', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-insecure-'));
    const server = await startServer(resolveConfig({ listen: '0.0.0.0:0', insecure: true, dataDir: path.join(base, 'data'), sandboxWorkers: 1, prewarmIsolates: 0 }), pino({ level: 'info' }, sink));
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
    const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.startsWith('--insecure'));
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toMatch(/without TLS or authentication; anyone who reaches 0\.0\.0\.0:\d+ can run code/);
  });
});
