/**
 * The workerd peer's scenarios, the same work as spearlet's: `add` warm at c=1 and c=32, the first
 * call of new code (through the Worker Loader), fib(N), and memory per idle loaded worker. Warm
 * series join spearlet's rotating blocks in run.ts, so both see the same machine.
 */
import type { LoadClient } from './client-process.js';
import { COLD_TASK_TEMPLATE, JS_TASK_SOURCE } from './guests.js';
import { postJson } from './http-load.js';
import type { LatencySummary } from './stats.js';
import { type WorkerdPeer, startWorkerd } from './workerd.js';

/** The id the warm and compute series call; loaded once per workerd process. */
const TASK_ID = 'bench';
const ADD = { a: 2, b: 3 };

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export interface WorkerdMemory {
  instances: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  perInstanceBytes: number;
}

/** Loads the bench task into `wd` (its first call); warm calls then reach the cached worker. */
export async function loadBenchTask(wd: WorkerdPeer): Promise<void> {
  const answer = (await postJson(`${wd.url}/load/${TASK_ID}/add`, JSON.stringify({ source: JS_TASK_SOURCE, params: ADD }))) as { result: unknown };
  if (answer.result !== 5) throw new Error(`workerd answered ${JSON.stringify(answer)} to the bench task's first call`);
}

export function warmWorkerd(client: LoadClient, wd: WorkerdPeer, concurrency: number, count: number, warmup: number): Promise<LatencySummary> {
  return client.http(`${wd.url}/call/${TASK_ID}/add`, ADD, 5, count, concurrency, warmup);
}

/** One fib(n) call on workerd (the compute series takes it in turn with spearlet's: scenarios.ts). */
export function fibOnWorkerd(client: LoadClient, wd: WorkerdPeer, n: number): Promise<LatencySummary> {
  return client.http(`${wd.url}/call/${TASK_ID}/fibonacci`, { n }, fib(n), 1, 1, 0);
}

export function coldWorkerd(client: LoadClient, wd: WorkerdPeer, count: number, gapMs: number): Promise<LatencySummary> {
  return client.httpCold(`${wd.url}/load`, COLD_TASK_TEMPLATE, ADD, 5, count, gapMs);
}

/**
 * A fresh workerd with `instances` distinct pieces of code loaded and called once each, then left
 * idle: its RSS growth per loaded worker.
 */
export async function measureWorkerdMemory(instances: number): Promise<WorkerdMemory> {
  const wd = await startWorkerd();
  try {
    await loadBenchTask(wd);
    await new Promise((r) => setTimeout(r, 500));
    const rssBeforeBytes = wd.rssBytes();
    for (let i = 0; i < instances; i++) {
      const source = COLD_TASK_TEMPLATE.replaceAll('{{N}}', String(i));
      await postJson(`${wd.url}/load/idle-${i}/handler`, JSON.stringify({ source, params: ADD }));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const rssAfterBytes = wd.rssBytes();
    return { instances, rssBeforeBytes, rssAfterBytes, perInstanceBytes: (rssAfterBytes - rssBeforeBytes) / instances };
  } finally {
    await wd.close();
  }
}
