/**
 * The HTTP trigger with --auth-file: the gRPC port's bearer tokens apply, an invoke token sees only
 * its tenant's tasks and executions, and another tenant's ids answer exactly as unknown ones do.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsSpec, startTestServer, type TestServer } from './harness.js';
import { clientFor, newToken, writeAuthFile } from './security-helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-http-auth-'));
const authFile = path.join(dir, 'auth.json');
const acme = newToken();
const globex = newToken();
const admin = newToken();
let t: TestServer;
let base: string;
let acmeTask: string;
let globexTask: string;

const post = (url: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body: JSON.stringify(body) });
const get = (url: string, token: string | undefined) => fetch(`${base}${url}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

beforeAll(async () => {
  writeAuthFile(authFile, [
    { token: acme, tenant: 'acme', role: 'invoke' },
    { token: globex, tenant: 'globex', role: 'invoke' },
    { token: admin, tenant: 'ops', role: 'admin' },
  ]);
  t = await startTestServer({ authFile, httpListen: '127.0.0.1:0' });
  base = `http://${t.server.httpAddress}`;
  const register = async (token: string, name: string) => {
    const client = clientFor(t.server.address, { token });
    const res = await client.invoke({ taskName: name, artifactSpec: jsSpec('export const double = ({ x }) => 2 * x;'), functionName: 'double', parameters: [] });
    client.close();
    return res.taskId;
  };
  acmeTask = await register(acme, 'acme-double');
  globexTask = await register(globex, 'globex-double');
});

afterAll(async () => {
  await t.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('HTTP trigger with authentication', () => {
  it('refuses a call without a token, or with an unknown one, with 401 and the code', async () => {
    const none = await post(`/v1/tasks/${acmeTask}/double`, undefined, { x: 2 });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    const wrong = await post(`/v1/tasks/${acmeTask}/double`, newToken(), { x: 2 });
    expect(wrong.status).toBe(401);
  });

  it("runs the caller's own task, by id and by name", async () => {
    const byId = await post(`/v1/tasks/${acmeTask}/double`, acme, { x: 21 });
    expect(byId.status).toBe(200);
    expect(await byId.json()).toBe(42);
    const byName = await post('/v1/tasks/acme-double/double', acme, { x: 4 });
    expect(await byName.json()).toBe(8);
  });

  it("answers another tenant's task and execution exactly as unknown ones", async () => {
    const theirs = await post(`/v1/tasks/${globexTask}/double`, acme, { x: 1 });
    const unknown = await post('/v1/tasks/task-01NOSUCHTASK000000000000000/double', acme, { x: 1 });
    expect(theirs.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(((await theirs.json()) as { code: string }).code).toBe(((await unknown.json()) as { code: string }).code);

    const ran = await post(`/v1/tasks/${globexTask}/double?mode=async`, globex, { x: 5 });
    expect(ran.status).toBe(202);
    const { executionId } = (await ran.json()) as { executionId: string };
    expect((await get(`/v1/executions/${executionId}`, globex)).status).toBe(200);
    const peek = await get(`/v1/executions/${executionId}`, acme);
    expect(peek.status).toBe(404);
    expect(await peek.json()).toMatchObject({ code: 'EXECUTION_NOT_FOUND' });
  });

  it('refuses an invoke token naming another tenant, and lets an admin act for one', async () => {
    const naming = await post(`/v1/tasks/${acmeTask}/double`, acme, { x: 1 }, { 'x-spearlet-tenant': 'globex' });
    expect(naming.status).toBe(403);
    const asAdmin = await post(`/v1/tasks/${globexTask}/double`, admin, { x: 3 }, { 'x-spearlet-tenant': 'globex' });
    expect(await asAdmin.json()).toBe(6);
  });

  it("requires a tenant's chosen execution ids to carry its prefix", async () => {
    const bad = await post(`/v1/tasks/${acmeTask}/double?execution_id=mine-1`, acme, { x: 1 });
    expect(bad.status).toBe(400);
    const good = await post(`/v1/tasks/${acmeTask}/double?execution_id=acme:mine-1`, acme, { x: 1 });
    expect(good.status).toBe(200);
  });
});
