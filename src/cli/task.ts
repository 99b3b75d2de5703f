/**
 * `spearlet task ID`: one task's details and its newest executions.
 */
import { COMMON_HELP, COMMON_OPTIONS, type Command, CommandError, Exit, intFlag, paintFor, parseFlags, withClient } from './command.js';
import { duration, epochMs, executionJson, short, statusText, taskJson, time } from './format.js';
import { keyValues, table, toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, executions: { type: 'string' } } as const;

const HELP = `usage: spearlet task TASK_ID [--executions N]

Shows a task: name, artifact, limits, exports, counters, and its newest executions.

options:
  --executions N   how many recent executions to show (default 10, 0 for none)
${COMMON_HELP}`;

export const taskCommand: Command = {
  name: 'task',
  summary: 'show one task and its recent executions',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'TASK_ID' });
    const limit = intFlag(v.executions, 'executions', 0) ?? 10;
    const res = await withClient(v, io, (client) => client.getTask({ taskId: positionals[0], includeExecutions: limit > 0, executionLimit: limit }));
    if (!res.found || !res.task) throw new CommandError(res.message || `no task with id '${positionals[0]}'`);
    if (v.json) {
      io.stdout.write(toJson({ task: taskJson(res.task), executions: res.executions.map(executionJson) }));
      return Exit.OK;
    }
    const p = paintFor(io);
    const t = res.task;
    const pairs: Array<[string, string]> = [
      ['task id', p.bold(t.taskId)],
      ['name', t.taskName],
      ['type', t.artifactSpec?.artifactType ?? ''],
      ['location', t.artifactSpec?.location ?? ''],
      ['checksum', t.artifactSpec?.checksum ?? ''],
      ['created', time(t.createdAt)],
      ['updated', time(t.updatedAt)],
      ['executions', String(t.executionCount)],
      ['last status', short(t.lastStatus) === 'UNKNOWN' ? '-' : statusText(t.lastStatus, p)],
      ...Object.entries(t.metadata ?? {}).filter(([, val]) => val !== '').map(([k, val]): [string, string] => [k.replace(/_/g, ' '), val]),
    ];
    io.stdout.write(keyValues(pairs, p));
    if (res.executions.length > 0) {
      io.stdout.write('\n');
      const rows = res.executions.map((e) => [e.executionId, e.functionName, statusText(e.status, p), duration(e.executionTimeMs), time(epochMs(e.startedAt))]);
      io.stdout.write(table(['EXECUTION ID', 'FUNCTION', 'STATUS', 'TIME', 'STARTED'], rows, p));
    }
    return Exit.OK;
  },
};
