/**
 * The task environment merged with the call's, and secrets: set through SecretService, usable by
 * a guest that names them, sealed at rest, and absent from every RPC answer and every log.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../src/app.js';
import { FunctionClient } from '../../../src/client/function-client.js';
import { SecretClient } from '../../../src/client/secret-client.js';
import { resolveConfig } from '../../../src/config.js';
import { createLevel } from '../../../src/store/rocksdb-level.js';
import { jsSpec, params, valueOf } from '../harness.js';
import { type LocalHttp, startLocalHttp } from './local-http.js';

const SECRET = 'tok-3f9a1c77-very-secret';
const KEY = 'a'.repeat(64);

const GUEST = `
export function env(params, ctx) { return ctx.env; }
export async function useSecret({ url }, ctx) {
  console.log('token is ' + ctx.secrets.API_TOKEN);
  const res = await fetch(url, { headers: { authorization: 'Bearer ' + ctx.secrets.API_TOKEN } });
  const body = await res.json();
  return { sent: body.auth === 'Bearer ' + ctx.secrets.API_TOKEN, names: Object.keys(ctx.secrets) };
}
`;

let base: string;
let server: RunningServer;
let client: FunctionClient;
let secrets: SecretClient;
let web: LocalHttp;
const serverLog: string[] = [];

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-secrets-'));
  web = await startLocalHttp();
  const config = resolveConfig({
    listen: '127.0.0.1:0',
    dataDir: path.join(base, 'data'),
    artifactRoots: [base],
    prewarmIsolates: 1,
    sandboxWorkers: 1,
    shutdownGraceMs: 2_000,
    egressAllow: [`127.0.0.1:${web.port}`],
    secretsKey: KEY,
  });
  const sink = new Writable({
    write(chunk, _enc, done) {
      serverLog.push(String(chunk));
      done();
    },
  });
  server = await startServer(config, pino({ level: 'trace' }, sink));
  client = new FunctionClient(server.address);
  secrets = new SecretClient(server.address);
});
afterAll(async () => {
  client?.close();
  secrets?.close();
  await server?.close();
  await web?.close();
  await fs.rm(base, { recursive: true, force: true });
});

describe('task environment', () => {
  it("merges the call's context.environment over the task's env.NAME keys", async () => {
    const res = await client.invoke({
      taskName: 'env',
      artifactSpec: jsSpec(GUEST, { 'env.REGION': 'eu', 'env.MODE': 'task' }),
      functionName: 'env',
      context: { environment: { MODE: 'call', EXTRA: '1' } },
    });
    expect(valueOf(res.result?.result)).toEqual({ REGION: 'eu', MODE: 'call', EXTRA: '1' });
    const again = await client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId: res.taskId, functionName: 'env' });
    expect(valueOf(again.result?.result)).toEqual({ REGION: 'eu', MODE: 'task' });
  });

  it('refuses a malformed env.NAME key, naming it', async () => {
    await expect(client.invoke({ taskName: 'bad-env', artifactSpec: jsSpec(GUEST, { 'env.1BAD': 'x' }) })).rejects.toThrow(/artifact_spec\.metadata\.env\.1BAD/);
  });
});

describe('secrets', () => {
  it('are usable by a task that names them and never show up in an answer or a log', async () => {
    expect((await secrets.put('API_TOKEN', SECRET)).created).toBe(true);
    const res = await client.invoke({
      taskName: 'uses-secret',
      artifactSpec: jsSpec(GUEST, { secrets: 'API_TOKEN', allowed_hosts: `127.0.0.1:${web.port}` }),
      functionName: 'useSecret',
      parameters: params({ url: `http://127.0.0.1:${web.port}/hello` }),
    });
    expect(valueOf(res.result?.result)).toEqual({ sent: true, names: ['API_TOKEN'] });
    expect(web.received.at(-1)?.headers.authorization).toBe(`Bearer ${SECRET}`);

    const status = await client.getExecutionStatus({ executionId: res.executionId, includeResult: true, includeLogs: true });
    expect(status.logs).toContain('token is [secret API_TOKEN]');
    const answers = [
      res,
      status,
      await client.getTask({ taskId: res.taskId, includeExecutions: true }),
      await client.listTasks({ includeDetails: true }),
      await client.listExecutions({}),
      await secrets.list(),
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(SECRET);
    expect((await secrets.list()).secrets.map((s) => s.name)).toEqual(['API_TOKEN']);
    expect(serverLog.join('')).toContain('secret set');
    expect(serverLog.join('')).not.toContain(SECRET);
  });

  it('says in the log when a named secret is not set', async () => {
    const res = await client.invoke({ taskName: 'missing-secret', artifactSpec: jsSpec(GUEST, { secrets: 'NOPE' }), functionName: 'env' });
    const status = await client.getExecutionStatus({ executionId: res.executionId, includeLogs: true });
    expect(status.logs).toContain("[spearlet] secret 'NOPE' named by the task's metadata is not set");
  });

  it('refuses a bad name and answers NOT_FOUND for deleting an unknown one', async () => {
    await expect(secrets.put('1 bad', 'x')).rejects.toThrow(/name: must be 1-128 characters/);
    await expect(secrets.delete('UNKNOWN')).rejects.toMatchObject({ code: 5 });
  });

  it('are sealed at rest', async () => {
    await secrets.put('AT_REST', SECRET);
    await server.close();
    const db = createLevel(path.join(base, 'data'));
    await db.open();
    const [raw] = await db.getMany(['secret:AT_REST']);
    await db.close();
    expect(raw).toBeDefined();
    expect(raw).not.toContain(SECRET);
    expect(JSON.parse(raw!)).toMatchObject({ v: 1 });
  });

  it('open again after a restart with the same key, and stay unset with another key', async () => {
    const restart = async (key: string) => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const config = resolveConfig({ listen: '127.0.0.1:0', dataDir: path.join(base, 'data'), artifactRoots: [base], prewarmIsolates: 0, sandboxWorkers: 1, secretsKey: key });
      const s = await startServer(config, pino({ level: 'info' }, sink));
      const c = new FunctionClient(s.address);
      try {
        const res = await c.invoke({ taskName: 'reads-secret', artifactSpec: jsSpec('export default (p, ctx) => ctx.secrets.AT_REST === ' + JSON.stringify(SECRET) + ';', { secrets: 'AT_REST' }) });
        return { value: valueOf(res.result?.result), log: lines.join('') };
      } finally {
        c.close();
        await s.close();
      }
    };
    expect((await restart(KEY)).value).toBe(true);
    const other = await restart('b'.repeat(64));
    expect(other.value).toBe(false);
    expect(other.log).toContain("secrets that do not open with this server's secrets key are unset until put again");
    expect(other.log).not.toContain(SECRET);
  });
});
