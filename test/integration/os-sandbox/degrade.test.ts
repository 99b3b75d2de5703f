/**
 * The OS sandbox where the host allows less: `spearlet serve` run as an unprivileged user (nobody),
 * which may make user, mount, pid and net namespaces but cannot write cgroups. With
 * --os-sandbox=auto it starts, warns once naming what is missing and reports it in GetHealth and
 * in the metric; with =required it refuses to start; with =off the layer is gone.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FunctionClient } from '../../../src/client/function-client.js';
import { killSpawned, SPEARLET_BIN, spawnWatched } from '../../helpers/spearlet-process.js';
import { jsSpec, params, valueOf } from '../harness.js';

const NOBODY = 65534;
let dir: string;

/** `spearlet serve` as uid/gid nobody with no supplementary groups (root runs the tests). */
function serveAsNobody(mode: string) {
  const args = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--', process.execPath, SPEARLET_BIN, 'serve'];
  args.push('--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--data-dir', path.join(dir, `data-${mode}`), '--artifact-root', dir, '--sandbox-workers', '1', '--os-sandbox', mode);
  return spawnWatched('setpriv', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-degrade-'));
  await fs.chown(dir, NOBODY, NOBODY);
});
afterEach(killSpawned);
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('OS sandbox on a host that allows less (run as nobody)', () => {
  it('auto: starts, warns once naming what is missing, reports it in GetHealth and the metric, and serves', async () => {
    const s = serveAsNobody('auto');
    const [, address] = await s.waitFor(/serving gRPC on (127\.0\.0\.1:\d+)/);
    const [, metrics] = await s.waitFor(/metrics on http:\/\/(127\.0\.0\.1:\d+)/);
    const warnings = s.output().split('\n').filter((l) => /OS sandbox incomplete/.test(l));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cgroup memory is not writable/);

    const client = new FunctionClient(address);
    const res = await client.invoke({ taskName: 'sq', artifactSpec: jsSpec('export default ({ x }) => x * x;'), parameters: params({ x: 9 }) });
    expect(valueOf(res.result?.result)).toBe(81);
    const info = (await client.getHealth({ includeDetails: true })).details!.systemInfo;
    expect(info.os_sandbox).toMatch(/^degraded: net_namespace,mount_namespace,pid_namespace,ipc_namespace,uts_namespace,unprivileged_user,no_new_privs,rlimits(,seccomp)?; missing: .*cgroup pids is not writable/);
    expect(info.os_sandbox_layers).toContain('cgroup_memory=0');
    // seccomp is on only with bubblewrap; when off, the warning names it too.
    if (info.os_sandbox_layers.includes('seccomp=0')) expect(warnings[0]).toMatch(/seccomp: no maintained way/);
    client.close();

    const scrape = await (await fetch(`http://${metrics}/metrics`)).text();
    expect(scrape).toMatch(/^spearlet_os_sandbox_layer\{layer="net_namespace"\} 1$/m);
    expect(scrape).toMatch(/^spearlet_os_sandbox_layer\{layer="cgroup_memory"\} 0$/m);
    expect(scrape).toMatch(new RegExp(`^spearlet_os_sandbox_layer\\{layer="seccomp"\\} ${info.os_sandbox_layers.includes('seccomp=1') ? 1 : 0}$`, 'm'));
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 60_000);

  it('required: refuses to start, naming what is missing', async () => {
    const s = serveAsNobody('required');
    expect(await s.exited).not.toBe(0);
    expect(s.output()).toMatch(/osSandbox: is 'required' \(--os-sandbox=required\), but this host cannot provide: .*cgroup memory is not writable/);
    expect(s.output()).not.toMatch(/serving gRPC/);
  }, 60_000);

  it('off: no OS sandbox, said so', async () => {
    const s = serveAsNobody('off');
    const [, address] = await s.waitFor(/serving gRPC on (127\.0\.0\.1:\d+)/);
    expect(s.output()).not.toMatch(/OS sandbox incomplete/);
    const client = new FunctionClient(address);
    const res = await client.invoke({ taskName: 'sq', artifactSpec: jsSpec('export default ({ x }) => x * x;'), parameters: params({ x: 3 }) });
    expect(valueOf(res.result?.result)).toBe(9);
    expect((await client.getHealth({ includeDetails: true })).details!.systemInfo.os_sandbox).toBe('off (--os-sandbox=off)');
    client.close();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 60_000);
});
