/**
 * `spearlet status ID`: an execution's status, result and metrics; --logs adds its log lines.
 */
import { COMMON_HELP, COMMON_OPTIONS, type Command, CommandError, Exit, paintFor, parseFlags, withClient } from './command.js';
import { printExecution } from './execution-view.js';
import { duration, epochMs, short, time } from './format.js';
import { keyValues } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, logs: { type: 'boolean' } } as const;

const HELP = `usage: spearlet status EXECUTION_ID [--logs]

Shows an execution: status, timings, metrics, and its result (stdout) once it has one.

options:
  --logs    also show the captured log lines
${COMMON_HELP}

exit status: 0 completed, 4 still PENDING or RUNNING, 3 ended otherwise (FAILED, TIMEOUT,
CANCELLED), 1 unknown id.`;

export const statusCommand: Command = {
  name: 'status',
  summary: 'show an execution (--logs)',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'EXECUTION_ID' });
    const executionId = positionals[0];
    const res = await withClient(v, io, (client) => client.getExecutionStatus({ executionId, includeResult: true, includeLogs: v.logs ?? false }));
    if (!res.found) throw new CommandError(res.message || `no execution with id '${executionId}'`);
    const logs = v.logs ? res.logs : undefined;
    if (!v.json) {
      const p = paintFor(io, 'stderr');
      const r = res.result;
      const pairs: Array<[string, string]> = [
        ['function', res.functionName || '-'],
        ['started', time(epochMs(r?.startedAt))],
        ['completed', time(epochMs(r?.completedAt))],
        ['time', duration(r?.executionTimeMs ?? 0)],
        ['memory', `${Number(r?.memoryUsedBytes ?? 0)} bytes`],
        ...Object.entries(r?.metrics ?? {}).map(([k, val]): [string, string] => [k.replace(/_/g, ' '), val]),
      ];
      if (short(r?.status) !== 'PENDING') io.stderr.write(keyValues(pairs, p));
    }
    return printExecution({ executionId, taskId: res.taskId, result: res.result, logs, functionName: res.functionName }, v.json ?? false, io);
  },
};
