/**
 * Helpers of the fault tests: reach a server's Supervisor, read process RSS and process trees, drive a bounded load
 * with caller-chosen execution ids, and check every answered execution against the store.
 */
import * as fs from 'node:fs';
import type { FunctionClient } from '../../src/client/function-client.js';
import type { InvokeFunctionRequest } from '../../src/generated/spearlet/InvokeFunctionRequest.js';
import { RemoteRuntime } from '../../src/sandbox/remote-runtime.js';
import type { Supervisor } from '../../src/sandbox/supervisor.js';
import type { TestServer } from './harness.js';

/** The Supervisor behind a test server running with process isolation. */
export function supervisorOf(t: TestServer): Supervisor {
  const runtime = t.server.core.runtimes.byRuntimeName('v8-isolate');
  if (!(runtime instanceof RemoteRuntime)) throw new Error('the server does not run with process isolation');
  return runtime.supervisor;
}

/** Shared (untenanted) worker pids that are up and accepting. */
export function sharedPids(supervisor: Supervisor): number[] {
  return supervisor
    .describe()
    .filter((w) => w.tenant === undefined && (w.state === 'ready' || w.state === 'starting'))
    .map((w) => w.pid);
}

/** Resident set of a process from /proc, bytes (0 if it is gone): the bench's own reading. */
export { rssOf } from '../../bench/process-rss.js';

/** Direct children of a process, from /proc. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Every process below `pid` (in the OS sandbox a worker runs under its launcher). */
export { descendants as descendantsOf } from '../../bench/process-rss.js';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a client saw for one invocation. */
export interface Answer {
  executionId: string;
  /** ExecutionStatus name, or RPC:<code> when the RPC itself failed. */
  status: string;
  errorCode: string;
  attempts: number;
}

let idSeq = 0;
/** A unique caller-chosen execution id. */
export function newId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${(idSeq++).toString(36)}`;
}

/**
 * Runs `concurrency` client loops until `stop()` says so, each sending the request `next(i)` makes
 * with a fresh execution id. Returns every answer (RPC errors included).
 */
export async function drive(
  client: FunctionClient,
  concurrency: number,
  stop: () => boolean,
  next: (i: number) => InvokeFunctionRequest,
  deadlineMs = 30_000,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let n = 0;
  const loop = async () => {
    while (!stop()) {
      const req = next(n++);
      const executionId = req.executionId ?? newId('load');
      try {
        const res = await client.invoke({ ...req, executionId }, { deadlineMs });
        answers.push({
          executionId,
          status: res.result?.status ?? 'NONE',
          errorCode: res.result?.errorCode ?? '',
          attempts: Number(res.result?.metrics.attempts ?? 0),
        });
      } catch (err) {
        answers.push({ executionId, status: `RPC:${(err as { code?: number }).code ?? '?'}`, errorCode: (err as Error).message, attempts: 0 });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return answers;
}

/** Answers whose stored record is missing or differs from what the client was told. */
export async function lostRecords(client: FunctionClient, answers: Answer[]): Promise<Answer[]> {
  const lost: Answer[] = [];
  for (const a of answers) {
    if (a.status.startsWith('RPC:')) continue;
    const stored = await client.getExecutionStatus({ executionId: a.executionId });
    if (!stored.found || stored.result?.status !== a.status || (stored.result?.errorCode ?? '') !== a.errorCode) lost.push(a);
  }
  return lost;
}

/** Counts answers by `status/errorCode`. */
export function tally(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = a.errorCode && !a.status.startsWith('RPC:') ? `${a.status.replace('EXECUTION_STATUS_', '')}/${a.errorCode}` : a.status.replace('EXECUTION_STATUS_', '');
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Prints a test's figures on one line, so CI logs show them. */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(`[fault figures] ${name}: ${JSON.stringify(figures)}`);
}
