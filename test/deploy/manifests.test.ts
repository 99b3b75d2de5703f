/**
 * The Dockerfile and the Kubernetes manifests against the server they run: they parse, every serve
 * flag and SPEARLET_* variable they name is one `spearlet serve` accepts (through its own parser
 * and config validation), their ports and probes are the ones those flags open, and a server
 * started with the manifest's own arguments (addresses moved to loopback port 0, directories to a
 * temp dir) answers each probe, the metrics path and the HTTP trigger.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type RunningServer, startServer } from '../../src/app.js';
import { SERVE_FLAGS, envName, serveOptions } from '../../src/cli/serve-options.js';
import { resolveConfig } from '../../src/config.js';
import { FUNCTION_SERVICE_NAME } from '../../src/server/health-service.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const docs = parseAllDocuments(fs.readFileSync(path.join(ROOT, 'deploy/kubernetes/spearlet.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, any>);
const statefulSet = docs.find((d) => d.kind === 'StatefulSet')!;
const pod = statefulSet.spec.template;
const container = pod.spec.containers[0];
const args: string[] = container.args;
const portOf = (flag: string, list: string[]) => Number(/:(\d+)$/.exec(list.find((a) => a.startsWith(`--${flag}=`))!.split('=')[1])![1]);
const flagValue = (flag: string, list: string[]) => list.find((a) => a.startsWith(`--${flag}=`))?.split('=')[1];

const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const instruction = (name: string) => dockerfile.split('\n').filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1));
const dockerCmd: string[] = JSON.parse(instruction('CMD').at(-1)!);
const dockerEntry: string[] = JSON.parse(instruction('ENTRYPOINT').at(-1)!);

let running: RunningServer | undefined;
let tmp: string | undefined;
afterAll(async () => {
  await running?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('Kubernetes manifests', () => {
  it('parse, and name a StatefulSet with a RocksDB volume claim, two Services, resources and a grace period longer than the drain', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['Service', 'Service', 'StatefulSet']);
    const dataDir = flagValue('data-dir', args)!;
    const claim = statefulSet.spec.volumeClaimTemplates.find((v: any) => container.volumeMounts.some((m: any) => m.name === v.metadata.name && m.mountPath === dataDir));
    expect(claim?.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(flagValue('shutdown-grace-ms', args)) + 5_000);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('pass only flags and variables that spearlet serve accepts', () => {
    const [command, ...flags] = args;
    expect(command).toBe('serve');
    for (const a of flags) expect(SERVE_FLAGS).toContain(/^--([^=]+)/.exec(a)![1]);
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    for (const name of Object.keys(env)) expect(SERVE_FLAGS.map(envName)).toContain(name);
    // The real parser and validation accept them together.
    const config = resolveConfig(serveOptions(flags, env));
    expect(config.maxConcurrentExecutions).toBe(Number(env.SPEARLET_MAX_CONCURRENT_EXECUTIONS));
  });

  it('open the container ports the flags listen on, probe them, and annotate the metrics port', () => {
    const ports = Object.fromEntries(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
    expect(ports).toEqual({ grpc: portOf('listen', args), http: portOf('http-listen', args), metrics: portOf('metrics-listen', args) });
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(container[probe].grpc.port).toBe(ports.grpc);
    expect(container.readinessProbe.grpc.service).toBe(FUNCTION_SERVICE_NAME);
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(ports.metrics), 'prometheus.io/path': '/metrics' });
    for (const service of docs.filter((d) => d.kind === 'Service')) {
      for (const p of service.spec.ports) expect(Object.keys(ports)).toContain(p.targetPort);
    }
  });

  it("a server started with the manifest's arguments answers the probes, the metrics path and the HTTP trigger", async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-manifest-'));
    const local = args.slice(1).map((a) => a.replace(/=0\.0\.0\.0:\d+$/, '=127.0.0.1:0').replace(/^--data-dir=.*/, `--data-dir=${tmp}/data`).replace(/^--artifact-root=.*/, `--artifact-root=${tmp}`));
    running = await startServer(resolveConfig(serveOptions(local, {})));
    const Health = grpc.makeClientConstructor(healthService as grpc.ServiceDefinition, 'grpc.health.v1.Health');
    const check = (service: string) =>
      new Promise<{ status: string }>((resolve, reject) => {
        const client = new Health(running!.address, grpc.credentials.createInsecure()) as unknown as { Check: Function; close(): void };
        client.Check({ service }, (err: Error | null, res: { status: string }) => {
          client.close();
          if (err) reject(err);
          else resolve(res);
        });
      });
    expect(await check(container.livenessProbe.grpc.service ?? '')).toEqual({ status: 'SERVING' });
    expect(await check(container.readinessProbe.grpc.service)).toEqual({ status: 'SERVING' });
    const metrics = await fetch(`http://${running.metricsAddress}${pod.metadata.annotations['prometheus.io/path']}`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE');
    const trigger = await fetch(`http://${running.httpAddress}/v1/tasks/none/f`, { method: 'POST' });
    expect(trigger.status).toBe(404);
    // Drain: readiness goes NOT_SERVING as soon as shutdown starts.
    const closing = running.close();
    expect(await check(container.readinessProbe.grpc.service)).toEqual({ status: 'NOT_SERVING' });
    await closing;
    running = undefined;
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, runs as a non-root user, and runs the compiled build only', () => {
    expect(instruction('FROM').length).toBeGreaterThanOrEqual(2);
    expect(instruction('USER').at(-1)).toBe('node');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(finalStage).not.toMatch(/COPY (src|runtimes) /);
    expect(finalStage).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(dockerEntry).toEqual(['node', '--no-node-snapshot', 'dist/src/cli/main.js']);
    expect(fs.existsSync(path.join(ROOT, dockerEntry[2]))).toBe(true);
  });

  it('exposes the ports its default command listens on, with flags serve accepts', () => {
    const [command, ...flags] = dockerCmd;
    expect(command).toBe('serve');
    const pairs = flags.reduce<string[]>((out, f, i) => (f.startsWith('--') ? [...out, `${f}=${flags[i + 1]}`] : out), []);
    resolveConfig(serveOptions(flags, {}));
    const exposed = instruction('EXPOSE').at(-1)!.split(' ').map(Number).sort();
    expect([portOf('listen', pairs), portOf('http-listen', pairs), portOf('metrics-listen', pairs)].sort()).toEqual(exposed);
    expect(flagValue('data-dir', pairs)).toBe(JSON.parse(instruction('VOLUME').at(-1)!)[0]);
  });
});
