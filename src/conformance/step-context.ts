/**
 * What every step of a case shares: the client, the fixtures, the case's variables, and the tasks
 * it created (deleted when the case ends, so a run leaves the server as it found it).
 */
import type { FunctionClient } from '../client/function-client.js';
import type { Vars } from './vars.js';

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

export interface StepContext {
  client: FunctionClient;
  fixturesDir: string;
  vars: Vars;
  caseSlug: string;
  runId: string;
  createdTasks: Set<string>;
  /** The per-call deadline of a step. */
  deadlineMs(step: { timeoutMs?: number }): number;
}
