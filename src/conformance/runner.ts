/**
 * Runs conformance cases against a server, one after another: each case's steps in order (a failed
 * step ends its case), under the case's deadline, then deletes the tasks the case created.
 */
import { randomBytes } from 'node:crypto';
import type { ClientSecurity } from '../client/client-security.js';
import { FunctionClient } from '../client/function-client.js';
import { checkExpectations } from './expect.js';
import { runInvokeStep } from './invoke-step.js';
import type { Case, Step } from './manifest-types.js';
import type { Observation } from './observation.js';
import { runRpcStep, runWaitStep } from './rpc-step.js';
import { DEFAULT_STEP_TIMEOUT_MS, type StepContext } from './step-context.js';
import { type Vars, interpolate, saveVars, slug } from './vars.js';

export interface CaseResult {
  name: string;
  file: string;
  passed: boolean;
  /** Why it failed, prefixed with the step (`step 2: ...`). */
  failures: string[];
  durationMs: number;
}

export interface RunOptions {
  target: string;
  /** Token and TLS files for a server that requires them. */
  security?: ClientSecurity;
  fixturesDir: string;
  /** Called as each case ends (the report prints a line per case). */
  onResult?: (result: CaseResult) => void;
  /** Tells the progress display which case is running. */
  onStart?: (kase: Case) => void;
}

async function runStep(step: Exclude<Step, { kind: 'sleep' }>, ctx: StepContext): Promise<Observation> {
  if (step.kind === 'invoke') return runInvokeStep(step, ctx);
  if (step.kind === 'rpc') return runRpcStep(step, ctx);
  return runWaitStep(step, ctx);
}

/** Runs a case's steps; returns the failures (empty when it passed). */
async function runSteps(kase: Case, ctx: StepContext): Promise<string[]> {
  for (const [index, raw] of kase.steps.entries()) {
    const label = kase.steps.length > 1 ? `step ${index + 1}: ` : '';
    if (raw.kind === 'sleep') {
      await new Promise((r) => setTimeout(r, raw.sleep));
      continue;
    }
    for (let i = 0; i < (raw.repeat ?? 1); i++) {
      ctx.vars.set('i', i);
      try {
        const step = interpolate(raw, ctx.vars);
        const obs = await runStep(step, ctx);
        const failures = checkExpectations(step.expect, obs);
        if (failures.length > 0) return failures.map((f) => `${label}${raw.repeat ? `(i=${i}) ` : ''}${f}`);
        if (step.save) saveVars(step.save, obs.outcome ?? obs.response, ctx.vars);
      } catch (err) {
        return [`${label}${(err as Error).message}`];
      }
    }
  }
  return [];
}

function withDeadline(work: Promise<string[]>, ms: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([`the case did not finish within ${ms} ms`]), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function cleanup(client: FunctionClient, taskIds: Iterable<string>): Promise<void> {
  for (const taskId of taskIds) {
    await client.deleteTask({ taskId, force: true, cleanupExecutions: true }, { deadlineMs: 10_000 }).catch(() => undefined);
  }
}

export async function runCase(kase: Case, client: FunctionClient, options: RunOptions, runId: string): Promise<CaseResult> {
  const started = Date.now();
  const caseSlug = slug(kase.name);
  const vars: Vars = new Map<string, unknown>([
    ['run', runId],
    ['case', caseSlug],
  ]);
  const ctx: StepContext = {
    client,
    fixturesDir: options.fixturesDir,
    vars,
    caseSlug,
    runId,
    createdTasks: new Set(),
    deadlineMs: (step) => step.timeoutMs ?? Math.min(DEFAULT_STEP_TIMEOUT_MS, kase.timeoutMs),
  };
  const failures = await withDeadline(runSteps(kase, ctx), kase.timeoutMs);
  await cleanup(client, ctx.createdTasks);
  return { name: kase.name, file: kase.file, passed: failures.length === 0, failures, durationMs: Date.now() - started };
}

/** Runs every case against `options.target`, in order. */
export async function runConformance(cases: readonly Case[], options: RunOptions): Promise<CaseResult[]> {
  const client = new FunctionClient(options.target, {}, options.security);
  const runId = randomBytes(4).toString('hex');
  const results: CaseResult[] = [];
  try {
    for (const kase of cases) {
      options.onStart?.(kase);
      const result = await runCase(kase, client, options, runId);
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    client.close();
  }
  return results;
}
