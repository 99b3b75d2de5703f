/**
 * Cgroups left by a server that was killed. A SIGKILLed `spearlet serve` cannot remove its
 * groups; the next server started in the same PID namespace does, and leaves alone the groups of
 * servers it cannot see (another PID namespace) and of any server still running. A restarted server
 * that got its predecessor's pid (pid 1 of a container, say) does not collide with the dead one's
 * groups. Run for real: CI is root here, and cgroups are writable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FunctionClient } from '../../../src/client/function-client.js';
import { serverGroupName, sweepStale } from '../../../src/sandbox/os/cgroups.js';
import { killSpawned, servingAddress, spawnSpearlet, type Watched } from '../../helpers/spearlet-process.js';
import { jsSpec, params, valueOf } from '../harness.js';

let dir: string;
/** The pids controller's folder this process (and the servers it starts) sits in (cgroup v1 here). */
const pidsParent = (() => {
  const own = /^\d+:(?:[^:]*,)?pids(?:,[^:]*)?:(.*)$/m.exec(fs.readFileSync('/proc/self/cgroup', 'utf8'));
  return path.join('/sys/fs/cgroup/pids', own?.[1] ?? '/');
})();
/** A folder as another PID namespace's server would name it (no namespace has inode 1). */
const foreign = path.join(pidsParent, 'spearlet-1-4242-77');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-stale-cgroups-'));
});
afterEach(killSpawned);
afterAll(() => {
  rmdirs(path.join(foreign, 'w-1'), foreign);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** rmdir each (a cgroup folder is removed with rmdir, never by deleting its files). */
function rmdirs(...dirs: string[]): void {
  for (const d of dirs) {
    try {
      fs.rmdirSync(d);
    } catch {
      // Already gone.
    }
  }
}

function serve(name: string): Watched {
  return spawnSpearlet(['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, name), '--sandbox-workers', '1', '--os-sandbox', 'required', '--log-level', 'info']);
}

/** The folders named after `pid` under the pids controller. */
function groupsOf(pid: number): string[] {
  return fs.readdirSync(pidsParent).filter((n) => new RegExp(`^spearlet-\\d+-${pid}-\\d+$`).test(n));
}

async function square(address: string, x: number): Promise<unknown> {
  const client = new FunctionClient(address);
  try {
    const res = await client.invoke({ taskName: 'sq', artifactSpec: jsSpec('export default ({ x }) => x * x;'), parameters: params({ x }) });
    return valueOf(res.result?.result);
  } finally {
    client.close();
  }
}

describe('cgroups of a killed server', () => {
  it("are removed by the next server in the same PID namespace, which keeps another namespace's", async () => {
    const first = serve('first');
    expect(await square(await servingAddress(first), 7)).toBe(49);
    const pid = first.child.pid!;
    const [group] = groupsOf(pid);
    expect(group).toBe(serverGroupName(pid));
    const workerGroup = path.join(pidsParent, group, 'w-1');
    expect(fs.existsSync(workerGroup)).toBe(true);

    first.child.kill('SIGKILL');
    await first.exited;
    // Its worker follows it (parent-death signal); until then the kernel keeps the group busy.
    for (let i = 0; i < 100 && fs.readFileSync(path.join(workerGroup, 'cgroup.procs'), 'utf8').trim() !== ''; i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(workerGroup)).toBe(true); // a killed server leaves its groups
    fs.mkdirSync(path.join(foreign, 'w-1'), { recursive: true });

    const second = serve('second');
    const address = await servingAddress(second);
    // This server, or one another test file started meanwhile (tests run side by side), removed
    // them; whichever did logs "removed N cgroup folders left by sandbox servers that were killed".
    expect(groupsOf(pid)).toEqual([]);
    for (const controller of ['memory', 'cpu']) {
      const own = new RegExp(`^\\d+:(?:[^:]*,)?${controller}(?:,[^:]*)?:(.*)$`, 'm').exec(fs.readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
      expect(fs.existsSync(path.join('/sys/fs/cgroup', controller, own, group))).toBe(false);
    }
    expect(fs.existsSync(path.join(foreign, 'w-1'))).toBe(true);
    expect(await square(address, 8)).toBe(64);
    expect(groupsOf(second.child.pid!)).toEqual([serverGroupName(second.child.pid!)]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(groupsOf(second.child.pid!)).toEqual([]); // a server that stops cleanly removes its own
  }, 60_000);

  it("a server that got a dead server's pid takes none of its groups, and sweeps them", () => {
    // The dead one had this process's pid but started at another time.
    const stale = path.join(pidsParent, serverGroupName().replace(/-\d+$/, '-1'));
    fs.mkdirSync(path.join(stale, 'w-1'), { recursive: true });
    const live = path.join(pidsParent, serverGroupName(process.ppid));
    const liveExisted = fs.existsSync(live);
    fs.mkdirSync(live, { recursive: true });
    try {
      expect(serverGroupName()).not.toBe(path.basename(stale));
      const removed = sweepStale(pidsParent);
      expect(removed).toContain(stale);
      expect(fs.existsSync(stale)).toBe(false);
      expect(fs.existsSync(live)).toBe(true); // its owner runs
    } finally {
      if (!liveExisted) rmdirs(live);
      rmdirs(path.join(stale, 'w-1'), stale);
    }
  });
});
