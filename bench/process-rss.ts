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

/** Bytes resident in this process tree, and how many processes it has. */
export function processTreeRss(root = process.pid): { bytes: number; processes: number } {
  if (!fs.existsSync('/proc/self/status')) return { bytes: process.memoryUsage().rss, processes: 1 };
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
  let bytes = 0;
  let processes = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    bytes += rssOf(pid);
    processes++;
    todo.push(...(children.get(pid) ?? []));
  }
  return { bytes, processes };
}
