/**
 * Cgroups for sandbox workers: the kernel-enforced part of their limits.
 *
 * - memory: each worker its own ceiling (`workerMemoryCeilingMb`); past it the kernel's OOM killer
 *   ends that worker alone, and the Supervisor replaces it.
 * - pids: each worker at most `workerPidsMax` processes and threads, so a fork bomb stops there.
 * - cpu: one group per tenant (and one for the shared workers), equal weight, and a quota of
 *   `tenantCpuPercent` of a core per tenant, so one tenant cannot take every core.
 *
 * cgroup v2 is used where it is mounted with those controllers delegated to the server's own
 * cgroup; else v1, one hierarchy per controller. The server's groups live under its own cgroup
 * in a folder named after the server (`serverGroupName`) and are removed when the workers and the
 * server go. A server that was killed cannot remove its own: the next server started in the same
 * PID namespace removes them (`sweepStale`).
 * Called by OsSandbox (os-sandbox.ts): `open` at start, `forWorker` per worker start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Config } from '../../config.js';

const ROOT = '/sys/fs/cgroup';
export const CGROUP_CONTROLLERS = ['memory', 'pids', 'cpu'] as const;
export type CgroupController = (typeof CGROUP_CONTROLLERS)[number];
/** cpu.cfs_period_us (v1) / cpu.max period (v2). */
const CPU_PERIOD_US = 100_000;

/** One worker's groups: the cgroup.procs files it joins, and their removal once it is gone. */
export interface WorkerCgroups {
  readonly procsFiles: readonly string[];
  /** Removes the worker's own groups (its processes must be gone); retried briefly. */
  remove(): Promise<void>;
  /** True when the kernel's OOM killer ended a process of this worker at its memory ceiling. */
  oomKilled(): boolean;
}

interface Hierarchy {
  controller: CgroupController;
  /** This server's folder (`serverGroupName`) in that hierarchy. */
  base: string;
}

/** Who owns a server's folder: its PID namespace, its pid there, and when that process started. */
interface GroupOwner {
  pidNamespace: string;
  pid: number;
  /** Start time, clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  startTicks: string;
}

const GROUP_NAME = /^spearlet-(\d+)-(\d+)-(\d+)$/;

/**
 * This server's folder name: `spearlet-<pid namespace inode>-<pid>-<start ticks>`. The start time
 * keeps a restarted server that got the same pid (pid 1 of a container, say) off its dead
 * predecessor's groups; the namespace tells whose pid it is where several PID namespaces share the
 * cgroup tree (containers on one host), so a server only judges the owners it can see.
 */
export function serverGroupName(pid = process.pid): string {
  const owner = ownerOf(pid);
  // /proc unreadable: a name no sweep ever takes for a dead server's.
  if (owner === undefined) return `spearlet-${pid}`;
  return `spearlet-${owner.pidNamespace}-${owner.pid}-${owner.startTicks}`;
}

function ownerOf(pid: number): GroupOwner | undefined {
  try {
    const ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1];
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command (which may hold spaces and parentheses), from field 3 (state)
    // on: field 22, the start time, is the 20th of them.
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return ns === undefined || startTicks === undefined ? undefined : { pidNamespace: ns, pid, startTicks };
  } catch {
    return undefined;
  }
}

/**
 * Removes the folders, under `parent`, of servers of this PID namespace that are gone (killed
 * before they could remove them), and returns them. A folder whose owner this server cannot see
 * (another PID namespace) stays, as does any group that still holds a process (rmdir refuses it).
 */
export function sweepStale(parent: string): string[] {
  const ns = ownerOf(process.pid)?.pidNamespace;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = GROUP_NAME.exec(name);
    if (!m || m[1] !== ns) continue;
    if (!ownerGone(Number(m[2]), m[3])) continue;
    const dir = path.join(parent, name);
    for (const group of subtree(dir)) {
      try {
        fs.rmdirSync(group);
      } catch {
        // Still holds a process, or already gone: the next start tries again.
      }
    }
    if (!fs.existsSync(dir)) removed.push(dir);
  }
  return removed;
}

/**
 * True when the process that named a folder is gone: no process has its pid, or the one that has
 * it started at another time. A process this server may not inspect (EPERM, or /proc mounted with
 * hidepid) counts as running.
 */
function ownerGone(pid: number, startTicks: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  const owner = ownerOf(pid);
  return owner !== undefined && owner.startTicks !== startTicks;
}

/** `dir` and every group under it, deepest first. */
function subtree(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) if (e.isDirectory()) out.push(...subtree(path.join(dir, e.name)));
  out.push(dir);
  return out;
}

export class Cgroups {
  private nextWorker = 1;
  private readonly tenantGroups = new Set<string>();

  private constructor(
    readonly version: 1 | 2,
    private readonly hierarchies: readonly Hierarchy[],
    private readonly config: Config,
  ) {}

  /**
   * The controllers this server could set up (possibly none), and the Cgroups to use them;
   * `swept`: folders of dead servers removed on the way (sweepStale).
   */
  static open(config: Config): { cgroups: Cgroups | undefined; controllers: CgroupController[]; problems: string[]; swept: string[] } {
    const problems: string[] = [];
    const swept: string[] = [];
    const own = ownCgroups();
    const name = serverGroupName();
    const v2 = tryV2(own.get(''), name, problems, swept);
    const hierarchies = v2 ?? tryV1(own, name, problems, swept);
    if (hierarchies.length === 0) return { cgroups: undefined, controllers: [], problems, swept };
    const cgroups = new Cgroups(v2 ? 2 : 1, hierarchies, config);
    return { cgroups, controllers: hierarchies.map((h) => h.controller), problems, swept };
  }

  /** Creates the groups of a new worker (and of its tenant's CPU share, once). */
  forWorker(tenant: string | undefined): WorkerCgroups {
    const name = `w-${this.nextWorker++}`;
    const own: string[] = [];
    const procsFiles: string[] = [];
    const dirs = new Map<string, string>();
    for (const h of this.hierarchies) {
      // cpu is per tenant; memory and pids are per worker. v2 has one tree: a worker's group sits
      // inside its tenant's, so the tenant's quota covers it.
      const tenantDir = this.tenantGroup(h, tenant);
      const dir = this.version === 2 ? path.join(tenantDir, name) : h.controller === 'cpu' ? tenantDir : path.join(h.base, name);
      if (!dirs.has(dir)) {
        if (dir !== tenantDir) {
          fs.mkdirSync(dir);
          own.push(dir);
        }
        dirs.set(dir, dir);
        procsFiles.push(path.join(dir, 'cgroup.procs'));
      }
      if (h.controller === 'memory') this.limitMemory(dir);
      if (h.controller === 'pids') fs.writeFileSync(path.join(dir, 'pids.max'), String(this.config.workerPidsMax));
    }
    const memory = [...dirs.keys()].find((d) => this.hierarchies.some((h) => h.controller === 'memory' && d.startsWith(h.base)));
    return { procsFiles, remove: () => removeDirs(own), oomKilled: () => memory !== undefined && oomKills(memory, this.version) > 0 };
  }

  /** Removes the server's groups (call after every worker is gone). */
  async close(): Promise<void> {
    const dirs: string[] = [];
    for (const h of this.hierarchies) {
      for (const t of this.tenantGroups) if (t.startsWith(h.base + path.sep)) dirs.push(t);
      dirs.push(h.base);
    }
    await removeDirs([...new Set(dirs)].sort((a, b) => b.length - a.length));
  }

  private tenantGroup(h: Hierarchy, tenant: string | undefined): string {
    if (this.version === 1 && h.controller !== 'cpu') return h.base;
    const dir = path.join(h.base, tenant === undefined ? 'shared' : tenantDirName(tenant));
    if (this.tenantGroups.has(dir)) return dir;
    fs.mkdirSync(dir, { recursive: true });
    if (this.version === 2) {
      fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+memory +pids +cpu');
      if (tenant !== undefined) fs.writeFileSync(path.join(dir, 'cpu.max'), `${this.quotaUs()} ${CPU_PERIOD_US}`);
    } else if (h.controller === 'cpu' && tenant !== undefined) {
      fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(this.quotaUs()));
    }
    this.tenantGroups.add(dir);
    return dir;
  }

  private quotaUs(): number {
    return Math.round((CPU_PERIOD_US * this.config.tenantCpuPercent) / 100);
  }

  private limitMemory(dir: string): void {
    const bytes = String(this.config.workerMemoryCeilingMb * 1024 * 1024);
    if (this.version === 2) {
      fs.writeFileSync(path.join(dir, 'memory.max'), bytes);
      fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      return;
    }
    fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), bytes);
    // With swap accounting on, the same ceiling for memory plus swap: swap is no way around it.
    const memsw = path.join(dir, 'memory.memsw.limit_in_bytes');
    if (fs.existsSync(memsw)) fs.writeFileSync(memsw, bytes);
  }
}

/** OOM kills in a memory group: `oom_kill` of memory.events (v2) or memory.oom_control (v1). */
function oomKills(dir: string, version: 1 | 2): number {
  try {
    const text = fs.readFileSync(path.join(dir, version === 2 ? 'memory.events' : 'memory.oom_control'), 'utf8');
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** A folder name for a tenant: readable, and unique even when tenant names differ only in odd characters. */
function tenantDirName(tenant: string): string {
  const readable = tenant.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
  return `t-${readable}-${createHash('sha256').update(tenant).digest('hex').slice(0, 8)}`;
}

/** This process's cgroup path per hierarchy: '' for v2, the controller names for v1. */
function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return own;
  }
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of m[1].split(',')) own.set(c, m[2]);
  }
  return own;
}

function tryV2(ownPath: string | undefined, name: string, problems: string[], swept: string[]): Hierarchy[] | undefined {
  if (ownPath === undefined) return undefined;
  const mount = [ROOT, path.join(ROOT, 'unified')].find((m) => fs.existsSync(path.join(m, 'cgroup.controllers')) && fs.existsSync(path.join(m, 'cgroup.subtree_control')));
  if (!mount) return undefined;
  const parent = path.join(mount, ownPath);
  let available: string[];
  try {
    available = fs.readFileSync(path.join(parent, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  } catch {
    return undefined;
  }
  if (!CGROUP_CONTROLLERS.every((c) => available.includes(c))) return undefined; // not delegated here: try v1
  const base = path.join(parent, name);
  try {
    swept.push(...sweepStale(parent));
    const enabled = fs.readFileSync(path.join(parent, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/);
    if (!CGROUP_CONTROLLERS.every((c) => enabled.includes(c))) fs.writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+memory +pids +cpu');
    fs.mkdirSync(base);
    fs.writeFileSync(path.join(base, 'cgroup.subtree_control'), '+memory +pids +cpu');
    return CGROUP_CONTROLLERS.map((controller) => ({ controller, base }));
  } catch (err) {
    // Enabling controllers needs the parent to enable them too (and to hold no process itself).
    problems.push(`cgroup v2 at ${parent} is not delegated to this server (${(err as Error).message})`);
    try {
      fs.rmdirSync(base); // made before a write failed; rmSync would refuse a folder
    } catch {
      // Never made.
    }
    return undefined;
  }
}

function tryV1(own: Map<string, string>, name: string, problems: string[], swept: string[]): Hierarchy[] {
  const found: Hierarchy[] = [];
  for (const controller of CGROUP_CONTROLLERS) {
    const ownPath = own.get(controller);
    const mount = path.join(ROOT, controller);
    if (ownPath === undefined || !fs.existsSync(path.join(mount, 'cgroup.procs'))) {
      problems.push(`no cgroup ${controller} controller is mounted`);
      continue;
    }
    const parent = path.join(mount, ownPath);
    const base = path.join(parent, name);
    try {
      swept.push(...sweepStale(parent));
      fs.mkdirSync(base, { recursive: true });
      found.push({ controller, base });
    } catch (err) {
      problems.push(`cgroup ${controller} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return found;
}

/** rmdir each, deepest first; a group whose last process is still exiting is retried briefly. */
async function removeDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY' || attempt === 19) break; // left behind: an empty group costs nothing
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
