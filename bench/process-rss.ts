/**
 * Resident memory of this process and every process it started (sandbox workers with process
 * isolation), read from /proc. Linux only; elsewhere it falls back to this process's RSS.
 */
import * as fs from 'node:fs';

export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** Every process `root` started, and theirs in turn (not `root` itself); Linux only. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const found: number[] = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    found.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * User plus system CPU time of a process so far (all its threads), in µs (0 once it is gone); with
 * `mainThread`, of its main thread alone.
 */
export function cpuTimeUs(pid: number, mainThread = false): number {
  try {
    const stat = fs.readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS = 100;

/** Bytes resident in this process tree, and how many processes it has. */
export function processTreeRss(root = process.pid): { bytes: number; processes: number } {
  if (!fs.existsSync('/proc/self/status')) return { bytes: process.memoryUsage().rss, processes: 1 };
  const tree = [root, ...descendants(root)];
  return { bytes: tree.reduce((sum, pid) => sum + rssOf(pid), 0), processes: tree.length };
}
