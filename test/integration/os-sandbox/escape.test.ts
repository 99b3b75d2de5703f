/**
 * Escape tests of the OS sandbox: each plays a guest that escaped its isolate, running host-side
 * JavaScript inside a live sandbox worker through the test-only hook (src/sandbox/os/test-hook.ts),
 * and checks the kernel stops it. Another tenant's calls run all along; each test ends with
 * every answered record in the store and the server healthy. Run for real: CI is root here.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInWorker, setWorkerTestHook } from '../../../src/sandbox/os/test-hook.js';
import { serverGroupName } from '../../../src/sandbox/os/cgroups.js';
import { PROJECT_ROOT } from '../../../src/sandbox/os/root-view.js';
import { type Answer, alive, drive, lostRecords, report, supervisorOf, tally, until } from '../fault-helpers.js';
import { FIXTURES, type TestServer, jsSpec, params, startTestServer } from '../harness.js';

const HOOK = fileURLToPath(new URL('./escape-hook.mjs', import.meta.url));
const GUEST = `export function add({ a, b }) { return a + b; }`;
const PIDS_MAX = 96;
const CEILING_MB = 512;
const CPU_PERCENT = 25;

describe('OS sandbox: a guest that escaped its isolate', () => {
  let t: TestServer;
  let listener: net.Server;
  let listenerPort = 0;
  let connectionsSeen = 0;
  let escaperTask: string;
  let bystanderTask: string;

  beforeAll(async () => {
    listener = net.createServer((socket) => {
      connectionsSeen++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerPort = (listener.address() as net.AddressInfo).port;
    setWorkerTestHook(HOOK);
    t = await startTestServer({
      osSandbox: 'required', // as root every layer but seccomp is there: fail loudly if not
      sandboxWorkers: 1,
      maxTenantWorkers: 4,
      // Above the ceiling, so the kernel (not the RSS watchdog) is the layer this test meets.
      workerMemoryLimitMb: 1024,
      workerMemoryCeilingMb: CEILING_MB,
      workerPidsMax: PIDS_MAX,
      // A small quota, so that the spinning tenant is held to it even on a busy CI machine.
      tenantCpuPercent: CPU_PERCENT,
    });
    escaperTask = (await t.client.invoke({ taskName: 'escaper', artifactSpec: jsSpec(GUEST, { tenant: 'escaper' }), functionName: 'add', parameters: params({ a: 1, b: 1 }) })).taskId;
    bystanderTask = (await t.client.invoke({ taskName: 'bystander', artifactSpec: jsSpec(GUEST, { tenant: 'bystander' }), functionName: 'add', parameters: params({ a: 1, b: 1 }) })).taskId;
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    setWorkerTestHook(undefined);
    listener?.close();
  });

  /** The escaper tenant's worker (started again by a call if a test brought it down). */
  async function escaper(): Promise<number> {
    await t.client.invoke({ taskId: escaperTask, functionName: 'add', parameters: params({ a: 2, b: 2 }) });
    const sup = supervisorOf(t);
    await until('the escaper worker to be ready', () => sup.describe().some((w) => w.tenant === 'escaper' && w.state === 'ready'));
    return sup.describe().find((w) => w.tenant === 'escaper' && w.state === 'ready')!.pid;
  }

  /** Runs `attempt` while the bystander tenant's calls keep going; checks they all completed and were stored. */
  async function withBystander<T>(name: string, attempt: () => Promise<T>): Promise<{ result: T; answers: Answer[] }> {
    let stop = false;
    const load = drive(t.client, 2, () => stop, (i) => ({ taskId: bystanderTask, functionName: 'add', parameters: params({ a: i, b: 1 }) }));
    let result: T;
    try {
      result = await attempt();
    } finally {
      stop = true;
    }
    const answers = await load;
    const lost = await lostRecords(t.client, answers);
    report(`os sandbox: ${name}`, { bystanderCalls: answers.length, outcomes: tally(answers), recordsLost: lost.length });
    expect(lost).toEqual([]);
    expect(answers.filter((a) => a.status !== 'EXECUTION_STATUS_COMPLETED')).toEqual([]);
    expect((await t.client.getHealth({})).status).toBe('healthy');
    return { result, answers };
  }

  async function run(code: string, timeoutMs?: number) {
    return runInWorker(await escaper(), code, timeoutMs);
  }

  it('runs in the sandbox the server reports', async () => {
    const info = (await t.client.getHealth({ includeDetails: true })).details!.systemInfo;
    expect(info.os_sandbox_layers).toContain('net_namespace=1');
    expect(info.os_sandbox_layers).toContain('cgroup_pids=1');
    expect(info.os_sandbox_backend).toMatch(/^(util-linux|bwrap)$/); // bwrap when installed and usable
    report('os sandbox: backend', { backend: info.os_sandbox_backend, layers: info.os_sandbox_layers });
    // The seccomp filter is there exactly when the server says so (bubblewrap on x86_64).
    const seccomp = await run(`return /^Seccomp:\\s+(\\d)/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]`);
    expect(seccomp.value).toBe(info.os_sandbox_layers.includes('seccomp=1') ? '2' : '0');
    const r = await run(`return { uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), root: require('fs').readdirSync('/').sort() }`);
    expect(r.error).toBeUndefined();
    const v = r.value as { uid: number; gid: number; groups: number[]; root: string[] };
    expect({ uid: v.uid, gid: v.gid, groups: v.groups }).toEqual({ uid: 65534, gid: 65534, groups: [65534] }); // Node adds the egid
    expect(v.root).toEqual(expect.arrayContaining(['dev', 'proc', 'tmp']));
    for (const hostOnly of ['home', 'root', 'var', 'sys', 'run', 'boot', 'srv', 'opt', 'mnt', 'sbin', 'bin']) expect(v.root).not.toContain(hostOnly);
  });

  it('cannot open a TCP connection to a listener on the host 127.0.0.1, nor to the server', async () => {
    const connect = (port: number) => `return await new Promise((resolve) => { const s = require('net').connect(${port}, '127.0.0.1'); s.on('connect', () => { s.destroy(); resolve('connected'); }); s.on('error', (e) => resolve(e.code)); })`;
    const { result } = await withBystander('tcp to host loopback', async () => [await run(connect(listenerPort)), await run(connect(t.server.port))]);
    // util-linux leaves the new namespace's loopback down (ENETUNREACH); bubblewrap brings it up,
    // and nothing listens there (ECONNREFUSED). Either way the host's listener sees nothing.
    // With the seccomp filter, the socket itself is refused (EPERM).
    for (const r of result) expect(r.value ?? r.error?.code).toMatch(/^(ENETUNREACH|ECONNREFUSED|EPERM)$/);
    expect(connectionsSeen).toBe(0);
  });

  it('cannot resolve a name or connect out', async () => {
    const { result } = await withBystander('dns and outbound', async () => ({
      lookup: await run(`return (await require('dns').promises.lookup('example.com')).address`),
      udpDns: await run(`const r = new (require('dns').promises.Resolver)({ timeout: 500, tries: 1 }); r.setServers(['8.8.8.8']); return await r.resolve4('example.com')`),
      connect: await run(`return await new Promise((resolve) => require('net').connect(443, '1.1.1.1').on('connect', () => resolve('connected')).on('error', (e) => resolve(e.code)))`),
      interfaces: await run(`return Object.keys(require('os').networkInterfaces())`),
    }));
    expect(result.lookup.error?.code).toMatch(/^(EAI_AGAIN|ENOTFOUND|ECONNREFUSED|EAI_SYSTEM|EPERM)$/);
    expect(result.udpDns.error?.code).toMatch(/^(ECONNREFUSED|ETIMEOUT|ENETUNREACH|ESERVFAIL|EPERM)$/);
    expect(result.connect.value ?? result.connect.error?.code).toMatch(/^(ENETUNREACH|EPERM)$/);
    // Its own loopback at most (with seccomp, even listing interfaces is refused: netlink sockets).
    if (result.interfaces.error) expect(result.interfaces.error.message).toMatch(/uv_interface_addresses/);
    else for (const name of result.interfaces.value as string[]) expect(name).toBe('lo');
  });

  it('cannot read the data directory, the artifact roots, /etc/shadow, /root or /home', async () => {
    const paths = [t.dataDir, t.artifactRoot, FIXTURES, '/etc/shadow', '/etc/passwd', '/root', '/home'];
    const { result } = await withBystander('read secrets', () =>
      run(`const fs = require('fs'); return ${JSON.stringify(paths)}.map((p) => { try { return fs.statSync(p).isDirectory() ? fs.readdirSync(p) : fs.readFileSync(p, 'utf8').slice(0, 10); } catch (e) { return e.code; } })`),
    );
    expect(fs.existsSync(t.dataDir)).toBe(true); // they are there, on the host
    expect(result.value).toEqual(paths.map(() => 'ENOENT'));
  });

  it('cannot write outside its private /tmp; its /tmp is not the host /tmp', async () => {
    const marker = `spearlet-escape-${process.pid}-${Date.now()}`;
    const targets = [`/${marker}`, `${PROJECT_ROOT}/src/${marker}`, `${PROJECT_ROOT}/node_modules/${marker}`, `/dev/${marker}`, `/proc/${marker}`];
    const { result } = await withBystander('write outside /tmp', () =>
      run(`const fs = require('fs'); const out = ${JSON.stringify(targets)}.map((p) => { try { fs.writeFileSync(p, 'x'); return 'written'; } catch (e) { return e.code; } }); fs.writeFileSync('/tmp/${marker}', 'x'); out.push(fs.readFileSync('/tmp/${marker}', 'utf8')); return out;`),
    );
    expect(result.value).toEqual(['EROFS', 'EROFS', 'EROFS', expect.stringMatching(/^(EROFS|EACCES)$/), expect.stringMatching(/^(ENOENT|EACCES|EROFS)$/), 'x']);
    for (const p of [...targets, `${os.tmpdir()}/${marker}`]) expect(fs.existsSync(p), p).toBe(false);
  });

  it('cannot see host processes, signal the server or ptrace it', async () => {
    const server = process.pid;
    const { result } = await withBystander('processes and signals', async () => ({
      pids: await run(`return require('fs').readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).map(Number)`),
      signal: await run(`try { process.kill(${server}, 'SIGKILL'); return 'sent'; } catch (e) { return e.code; }`),
      ptrace: await run(`const fs = require('fs'); return ['mem', 'environ', 'maps'].map((f) => { try { fs.readFileSync('/proc/${server}/' + f); return 'read'; } catch (e) { return e.code; } })`),
    }));
    // Its own pid namespace: a handful of pids (node, esbuild), none of them the server's.
    expect((result.pids.value as number[]).length).toBeLessThan(10);
    expect(result.pids.value).not.toContain(server);
    expect(result.signal.value).toBe('ESRCH');
    expect(result.ptrace.value).toEqual(['ENOENT', 'ENOENT', 'ENOENT']);
    expect(alive(server)).toBe(true);
  });

  it('cannot fork 10,000 processes: pids.max stops it, the server goes on', async () => {
    // Each child is stopped as soon as it exists, so it holds a pid and almost no memory. Forking a
    // worker costs ~10 ms on a busy machine, so the bomb yields now and then (its heartbeat must go
    // on, or the server would kill it as hung) and gives up after 300 refusals in a row.
    const { result } = await withBystander('fork bomb', () =>
      run(
        `const { spawn } = require('child_process'); const kids = []; const codes = new Set(); let failed = 0, inARow = 0, attempted = 0;
         for (; attempted < 10000 && inARow < 300; attempted++) {
           if (attempted % 25 === 0) await new Promise((r) => setImmediate(r));
           const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
           c.on('error', (e) => codes.add(e.code));
           if (c.pid === undefined) { failed++; inARow++; } else { c.kill('SIGSTOP'); kids.push(c); inARow = 0; }
         }
         for (const c of kids) c.kill('SIGKILL');
         await new Promise((r) => setTimeout(r, 100));
         return { attempted, started: kids.length, failed, codes: [...codes] };`,
        170_000,
      ),
    );
    report('os sandbox: fork bomb', { ...(result.value as object), pidsMax: PIDS_MAX, error: result.error });
    expect(result.error).toBeUndefined();
    const v = result.value as { started: number; failed: number; codes: string[] };
    expect(v.started).toBeLessThan(PIDS_MAX);
    expect(v.failed).toBeGreaterThanOrEqual(300);
    expect(v.codes).toEqual(['EAGAIN']);
  }, 180_000);

  it('cannot allocate past its memory ceiling: the kernel ends that worker alone, and it is replaced', async () => {
    const sup = supervisorOf(t);
    const pid = await escaper();
    const crashedBefore = sup.counters.crashed;
    const victim = sup.live().find((w) => w.pid === pid)!;
    const { result } = await withBystander('memory ceiling', () => runInWorker(pid, `const keep = []; for (;;) { const b = Buffer.allocUnsafe(32 << 20); b.fill(7); keep.push(b); }`, 60_000));
    expect(result.error?.code).toBe('WORKER_EXITED');
    await until('the crash to be counted', () => sup.counters.crashed > crashedBefore);
    expect(victim.exitReason).toMatch(/killed by the kernel at its memory ceiling \(workerMemoryCeilingMb 512 MB\)/);
    expect(await escaper()).toBeGreaterThan(0); // a new escaper worker serves the tenant again
  }, 120_000);

  it('cannot take every core from another tenant: its CPU quota holds while the other tenant keeps being served', async () => {
    const seconds = 3;
    const measure = async () => {
      let stop = false;
      setTimeout(() => (stop = true), seconds * 1000);
      const answers = await drive(t.client, 2, () => stop, (i) => ({ taskId: bystanderTask, functionName: 'add', parameters: params({ a: i, b: 1 }) }));
      return answers;
    };
    const alone = await measure();
    const spinners = Math.max(2, os.availableParallelism()) * 2;
    const spin = run(
      `const { Worker } = require('worker_threads'); const end = Date.now() + ${(seconds + 2) * 1000};
       await Promise.all(Array.from({ length: ${spinners} }, () => new Promise((resolve, reject) => {
         const w = new Worker('const end = ' + end + '; while (Date.now() < end) {}', { eval: true });
         w.on('exit', resolve); w.on('error', reject);
       })));
       return 'spun';`,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1000)); // the spinners are up
    const beside = await measure();
    expect((await spin).value).toBe('spun');
    const lost = await lostRecords(t.client, [...alone, ...beside]);
    const throttled = cpuThrottled('escaper');
    report('os sandbox: cpu', {
      bystanderCallsPerSecondAlone: Math.round(alone.length / seconds),
      bystanderCallsPerSecondBesideSpinner: Math.round(beside.length / seconds),
      spinnerThreads: spinners,
      tenantCpuPercent: CPU_PERCENT,
      escaperThrottledPeriods: throttled,
    });
    expect(beside.length).toBeGreaterThan(0);
    expect(beside.filter((a) => a.status !== 'EXECUTION_STATUS_COMPLETED')).toEqual([]);
    expect(lost).toEqual([]);
    expect(throttled).toBeGreaterThan(0); // the kernel held the spinning tenant to its quota
  }, 60_000);
});

/** nr_throttled of a tenant's CPU group (cgroup v1 cpu.stat or v2 cpu.stat), found under this server's groups. */
function cpuThrottled(tenant: string): number {
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8');
  const v1 = /^\d+:(?:[^:]*,)?cpu(?:,[^:]*)?:(.*)$/m.exec(own);
  const v2 = /^0::(.*)$/m.exec(own);
  const bases = [v1 && `/sys/fs/cgroup/cpu${v1[1]}`, v2 && `/sys/fs/cgroup${v2[1]}`, v2 && `/sys/fs/cgroup/unified${v2[1]}`].filter((b): b is string => !!b);
  for (const base of bases) {
    const dir = `${base}/${serverGroupName()}`;
    if (!fs.existsSync(dir)) continue;
    const group = fs.readdirSync(dir).find((d) => d.startsWith(`t-${tenant}-`));
    if (!group) continue;
    const m = /nr_throttled (\d+)/.exec(fs.readFileSync(`${dir}/${group}/cpu.stat`, 'utf8'));
    if (m) return Number(m[1]);
  }
  return -1;
}
