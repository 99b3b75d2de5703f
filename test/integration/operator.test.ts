/**
 * What operations teams plug into: the Prometheus endpoint, grpc.health.v1.Health, server
 * reflection, and `serve`'s JSON log lines.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionClient } from '../../src/client/function-client.js';
import { type TestServer, fixtureSpec, jsSpec, params, startTestServer } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ metricsListen: '127.0.0.1:0' });
});
afterAll(() => t.stop());

/** Every sample of a scrape: `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`http://${t.server.metricsAddress}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) samples.set(m[1], Number(m[2]));
  }
  return samples;
}

describe('Prometheus metrics', () => {
  it('a scrape after a few invocations shows their figures', async () => {
    const basics = await fixtureSpec('js/basics.js');
    await t.client.invoke({ taskName: 'm-basics', artifactSpec: basics, functionName: 'add', parameters: params({ a: 1, b: 2 }) });
    await t.client.invoke({ taskName: 'm-basics', artifactSpec: basics, functionName: 'add', parameters: params({ a: 1, b: 2 }) });
    await t.client.invoke({ taskName: 'm-basics', artifactSpec: basics, functionName: 'fails' });
    const hostile = await fixtureSpec('js/hostile.js', 'javascript', { memory_limit_mb: '64' });
    await t.client.invoke({ taskName: 'm-hostile', artifactSpec: hostile, functionName: 'spin', context: { timeoutMs: 150 } });
    await t.client.invoke({ taskName: 'm-hostile', artifactSpec: hostile, functionName: 'heapBomb' });

    const m = await scrape();
    const rt = 'runtime="v8-isolate"';
    expect(m.get(`spearlet_executions_total{${rt},status="COMPLETED",error_code=""}`)).toBe(2);
    expect(m.get(`spearlet_executions_total{${rt},status="FAILED",error_code="FUNCTION_ERROR"}`)).toBe(1);
    expect(m.get(`spearlet_executions_total{${rt},status="TIMEOUT",error_code="TIMEOUT"}`)).toBe(1);
    expect(m.get(`spearlet_executions_total{${rt},status="FAILED",error_code="OUT_OF_MEMORY"}`)).toBe(1);
    expect(m.get(`spearlet_execution_duration_seconds_count{${rt},status="COMPLETED"}`)).toBe(2);
    expect(m.get(`spearlet_execution_duration_seconds_bucket{le="+Inf",${rt},status="TIMEOUT"}`)).toBe(1);
    expect(m.get(`spearlet_queue_wait_seconds_count{${rt}}`)).toBe(5);
    expect(m.get(`spearlet_cold_starts_total{${rt}}`)).toBeGreaterThanOrEqual(2);
    expect(m.get(`spearlet_timeout_kills_total{${rt}}`)).toBe(1);
    expect(m.get(`spearlet_memory_limit_kills_total{${rt}}`)).toBe(1);
    expect(m.get('spearlet_instances_live')).toBeGreaterThanOrEqual(1);
    expect(m.get('spearlet_instances_idle')).toBeGreaterThanOrEqual(1);
    expect(m.get('spearlet_isolate_heap_bytes')).toBeGreaterThan(0);
    expect(m.get('spearlet_executions_running')).toBe(0);
    expect(m.get(`spearlet_store_operation_duration_seconds_count{operation="putExecution",outcome="ok"}`)).toBeGreaterThanOrEqual(5); // at least each terminal record
    expect(m.get('spearlet_store_operation_duration_seconds_count{operation="putTask",outcome="ok"}')).toBeGreaterThanOrEqual(2);
    expect(m.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.has('nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('report the Node.js, V8 and isolated-vm versions, as GetHealth system_info does', async () => {
    const m = await scrape();
    const info = [...m.keys()].find((k) => k.startsWith('spearlet_runtime_info{'));
    expect(info).toMatch(/^spearlet_runtime_info\{node="v(2[4-9]|[3-9]\d)\.\d+\.\d+",v8="1[3-9]\.[\d.]+-node\.\d+",isolated_vm="7\.\d+\.\d+"\}$/);
    expect(m.get(info!)).toBe(1);
    const details = (await t.client.getHealth({ includeDetails: true })).details!;
    expect(details.systemInfo?.node_version).toBe(process.version);
    expect(details.systemInfo?.v8_version).toBe(process.versions.v8);
    expect(details.systemInfo?.isolated_vm_version).toMatch(/^7\.\d+\.\d+$/);
  });

  it('answers 404 off /metrics, and is off unless --metrics-listen is given', async () => {
    expect((await fetch(`http://${t.server.metricsAddress}/`)).status).toBe(404);
    const plain = await startTestServer();
    try {
      expect(plain.server.metricsAddress).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});

describe('grpc.health.v1.Health', () => {
  const Health = grpc.makeClientConstructor(healthService as grpc.ServiceDefinition, 'grpc.health.v1.Health');
  const check = (address: string, service: string) =>
    new Promise<{ status: string }>((resolve, reject) => {
      const client = new Health(address, grpc.credentials.createInsecure()) as unknown as { Check: Function; close(): void };
      client.Check({ service }, (err: Error | null, res: { status: string }) => {
        client.close();
        if (err) reject(err);
        else resolve(res);
      });
    });

  it('reports SERVING for the server and for spearlet.FunctionService', async () => {
    expect(await check(t.server.address, '')).toEqual({ status: 'SERVING' });
    expect(await check(t.server.address, 'spearlet.FunctionService')).toEqual({ status: 'SERVING' });
    await expect(check(t.server.address, 'no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('reports NOT_SERVING while the server drains', async () => {
    const s = await startTestServer({ shutdownGraceMs: 5_000 });
    const spec = await fixtureSpec('js/lifecycle.js');
    // Warm the task first, so the long call is running (not starting a sandbox) when the drain begins.
    await s.client.invoke({ taskName: 'drain', artifactSpec: spec, functionName: 'sleep', parameters: params({ ms: 1 }) });
    const running = s.client.invoke({ taskName: 'drain', artifactSpec: spec, functionName: 'sleep', parameters: params({ ms: 1_000 }) });
    await new Promise((r) => setTimeout(r, 200));
    const closing = s.server.close();
    expect(await check(s.server.address, '')).toEqual({ status: 'NOT_SERVING' });
    expect((await running).result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    await closing;
    await s.stop();
  });
});

describe('server reflection', () => {
  const reflectionProto = (version: 'v1' | 'v1alpha') => {
    const file = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), `build/proto/grpc/reflection/${version}/reflection.proto`);
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(file, { keepCase: true })) as any;
    return pkg.grpc.reflection[version].ServerReflection as typeof grpc.Client;
  };

  async function ask(version: 'v1' | 'v1alpha', request: Record<string, unknown>): Promise<any> {
    const Client = reflectionProto(version);
    const client = new Client(t.server.address, grpc.credentials.createInsecure()) as any;
    try {
      return await new Promise((resolve, reject) => {
        const call = client.ServerReflectionInfo();
        call.on('data', (res: unknown) => {
          resolve(res);
          call.end();
        });
        call.on('error', reject);
        call.write(request);
      });
    } finally {
      client.close();
    }
  }

  it.each(['v1', 'v1alpha'] as const)('%s lists spearlet.FunctionService and the health service', async (version) => {
    const res = await ask(version, { list_services: '*' });
    const names = res.list_services_response.service.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(['spearlet.FunctionService', 'grpc.health.v1.Health']));
  });

  it('describes spearlet.FunctionService with its methods', async () => {
    const res = await ask('v1', { file_containing_symbol: 'spearlet.FunctionService' });
    const files: Buffer[] = res.file_descriptor_response.file_descriptor_proto;
    const text = Buffer.concat(files).toString('latin1');
    for (const method of ['InvokeFunction', 'StreamFunction', 'GetExecutionStatus', 'CancelExecution', 'ListTasks', 'GetTask', 'DeleteTask', 'ListExecutions', 'GetHealth', 'GetStats']) {
      expect(text).toContain(method);
    }
  });

  it('resolves the google.protobuf types parameters are packed in, so grpcurl can build Any values', async () => {
    for (const symbol of ['google.protobuf.StringValue', 'google.protobuf.Int64Value', 'google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.Any']) {
      const res = await ask('v1alpha', { file_containing_symbol: symbol });
      expect(res.file_descriptor_response?.file_descriptor_proto.length, symbol).toBeGreaterThan(0);
    }
  });
});

describe('serve logs', () => {
  it('are JSON lines off a terminal: start-up, the metrics address, one line per execution', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-logs-'));
    const child = spawn(process.execPath, ['bin/spearlet.js', 'serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'data'), '--artifact-root', dir, '--metrics-listen', '127.0.0.1:0', '--log-level', 'info'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const lines = () => out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, any>);
    const waitFor = async (pred: (l: Record<string, any>) => boolean) => {
      for (let i = 0; i < 400; i++) {
        const found = lines().find(pred);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no such log line in:\n${out}`);
    };
    try {
      const started = await waitFor((l) => /serving gRPC on/.test(l.msg));
      expect(started).toMatchObject({ level: 30, service: 'spearlet', address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
      const metricsLine = await waitFor((l) => typeof l.metricsAddress === 'string');
      expect((await fetch(`http://${metricsLine.metricsAddress}/metrics`)).status).toBe(200);
      const client = new FunctionClient(started.address);
      const res = await client.invoke({ taskName: 'logged', artifactSpec: jsSpec('export default () => 1'), executionId: 'logged-1' });
      client.close();
      expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
      const finished = await waitFor((l) => l.msg === 'execution finished');
      expect(finished).toMatchObject({ executionId: 'logged-1', taskId: res.taskId, status: 'COMPLETED', executionTimeMs: expect.any(Number), coldStart: expect.any(Boolean) });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
