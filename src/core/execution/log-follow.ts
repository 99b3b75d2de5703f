/**
 * Following an execution's log lines (FollowExecutionLogs, `spearlet logs --follow`, the HTTP
 * trigger): the lines captured so far, then each new line as the guest writes it, until the
 * execution ends. The lines are the execution's own bounded log buffer, so a follower holds no
 * more than the execution does.
 */
import { executionNotFound } from '../../errors.js';
import type { ExecutionRecord } from '../../store/records.js';
import type { TaskExecutionManager } from './execution-manager.js';

/**
 * Emits the execution's log lines and resolves with its record: the terminal one when `follow`
 * (or when it had already ended), else the record as it stands (PENDING or RUNNING). An abort
 * (the client went away) stops following and resolves with the record as it stands.
 * Throws EXECUTION_NOT_FOUND for an unknown id.
 */
export async function followLogs(
  executions: TaskExecutionManager,
  executionId: string,
  follow: boolean,
  emit: (line: string) => void,
  signal?: AbortSignal,
): Promise<ExecutionRecord> {
  const live = executions.liveLogs(executionId);
  if (!live || !follow) {
    const record = await executions.status(executionId);
    if (!record) throw executionNotFound(executionId);
    for (const line of record.logs) emit(line);
    return record;
  }
  // Snapshot and subscription in one synchronous step: no line is missed or sent twice.
  for (const line of live.logs.toArray()) emit(line);
  const stop = live.logs.follow(emit);
  try {
    const aborted = new Promise<undefined>((resolve) => {
      if (signal?.aborted) resolve(undefined);
      signal?.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    const record = await Promise.race([live.done, aborted]);
    return record ?? (await executions.status(executionId)) ?? live.done;
  } finally {
    stop();
  }
}
