/**
 * `spearlet executions`: lists executions, newest first, optionally of one task and one status.
 */
import type { ExecutionInfo__Output } from '../generated/spearlet/ExecutionInfo.js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, collectPages, UsageError, intFlag, paintFor, parseFlags, withClient } from './command.js';
import { duration, epochMs, executionJson, short, statusText, time } from './format.js';
import { table, toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, task: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' } } as const;

const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'];

const HELP = `usage: spearlet executions [--task TASK_ID] [--status S] [--limit N] [--all]

Lists executions, newest first.

options:
  --task TASK_ID   only this task's executions
  --status S       only this status: ${STATUSES.join(', ')}
  --limit N        executions per page (server default 50, at most 1000)
  --all            follow next_start_after through every page
${COMMON_HELP}`;

export const executionsCommand: Command = {
  name: 'executions',
  summary: 'list executions (--task, --status, --limit)',
  help: HELP,
  async run(argv, io) {
    const { values: v } = parseFlags(argv, OPTIONS, { min: 0, max: 0, names: '' });
    const limit = intFlag(v.limit, 'limit', 1) ?? 0;
    const status = v.status?.toUpperCase();
    if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got '${v.status}'`);
    const statusFilter = status ? (`EXECUTION_STATUS_${status}` as const) : 'EXECUTION_STATUS_UNKNOWN';
    const { items: executions, hasMore } = await withClient(v, io, (client) =>
      collectPages<ExecutionInfo__Output>(v.all, async (startAfter) => {
        const page = await client.listExecutions({ taskId: v.task ?? '', limit, startAfter, statusFilter: statusFilter as 'EXECUTION_STATUS_UNKNOWN' });
        return { items: page.executions, hasMore: page.hasMore, nextStartAfter: page.nextStartAfter };
      }),
    );
    if (v.json) {
      io.stdout.write(toJson({ executions: executions.map(executionJson), hasMore }));
      return Exit.OK;
    }
    const p = paintFor(io);
    if (executions.length === 0) {
      io.stderr.write('no executions\n');
      return Exit.OK;
    }
    const rows = executions.map((e) => [
      e.executionId,
      e.taskId,
      e.functionName,
      short(e.executionMode, 'EXECUTION_MODE_'),
      statusText(e.status, p),
      duration(e.executionTimeMs),
      time(epochMs(e.startedAt)),
      e.metadata?.error_code ?? '',
    ]);
    io.stdout.write(table(['EXECUTION ID', 'TASK ID', 'FUNCTION', 'MODE', 'STATUS', 'TIME', 'STARTED', 'ERROR'], rows, p));
    if (hasMore) io.stderr.write(p.dim('more executions: --all, or --limit with a higher N\n'));
    return Exit.OK;
  },
};
