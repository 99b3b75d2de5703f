/**
 * What a caller-chosen execution_id stands for: the request that first used it. A repeat of the id
 * is the same call only when its task, function, parameters and mode are the same; the fingerprint
 * is stored with the execution, so the check also holds for an execution finished long ago or
 * before a restart.
 */
import { createHash } from 'node:crypto';
import { alreadyExists } from '../../errors.js';
import type { RequestFingerprint } from '../../store/records.js';
import type { InvokeInput } from './invocation-plan.js';

export type { RequestFingerprint };

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}

function sortedEntries(map: Record<string, string> | undefined): Array<[string, string]> {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The fingerprint of a request. */
export function fingerprintOf(input: InvokeInput): RequestFingerprint {
  const spec = input.artifactSpec;
  // A request that names a task is that task; one that registers is its name and artifact.
  const task =
    input.taskId !== ''
      ? `id:${input.taskId}`
      : `new:${digest([input.taskName, spec?.artifactType, spec?.location, spec?.checksum, spec?.version, sortedEntries(spec?.metadata)])}`;
  const parameters = digest(
    input.parameters.map((p) => [p.name, p.type, p.required, p.value ? [p.value.type_url, Buffer.from(p.value.value ?? []).toString('base64')] : null]),
  );
  return { task, function: input.functionName, parameters, mode: input.mode };
}

/**
 * Refuses a repeat of an execution id whose request differs from the one that made the execution
 * `made`, naming the first field that differs. A repeat that names the task by the id the first
 * request registered it under is the same task. A record stored before fingerprints existed is
 * not checked.
 */
export function checkRepeat(made: { executionId: string; taskId: string; request?: RequestFingerprint }, repeat: RequestFingerprint): void {
  const first = made.request;
  if (!first) return;
  const differs = (field: string, what: string) =>
    alreadyExists(field, `execution_id '${made.executionId}' already names an execution of a request with another ${what}; use a new execution_id for a different call`);
  if (first.task !== repeat.task && repeat.task !== `id:${made.taskId}`) throw differs(repeat.task.startsWith('id:') ? 'task_id' : 'artifact_spec', 'task');
  if (first.function !== repeat.function) throw differs('function_name', 'function');
  if (first.parameters !== repeat.parameters) throw differs('parameters', 'parameter list');
  if (first.mode !== repeat.mode) throw differs('execution_mode', 'execution mode');
}
