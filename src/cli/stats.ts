/**
 * `spearlet stats`: service, task and execution statistics (GetStats with every section).
 */
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, intFlag, paintFor, parseFlags, withClient } from './command.js';
import { keyValues, table, toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, hours: { type: 'string' } } as const;

const HELP = `usage: spearlet stats [--hours N]

Shows service figures, tasks by type and the most active ones, and execution counts.

options:
  --hours N   execution figures over the last N hours only (default: since the store began)
${COMMON_HELP}`;

const pct = (n: number) => `${n.toFixed(1)} %`;

export const statsCommand: Command = {
  name: 'stats',
  summary: 'service, task and execution statistics (--hours)',
  help: HELP,
  async run(argv, io) {
    const { values: v } = parseFlags(argv, OPTIONS, { min: 0, max: 0, names: '' });
    const hours = intFlag(v.hours, 'hours', 0) ?? 0;
    const s = await withClient(v, io, (client) => client.getStats({ includeTaskStats: true, includeExecutionStats: true, timeRangeHours: hours }));
    if (v.json) {
      io.stdout.write(toJson(s));
      return Exit.OK;
    }
    const p = paintFor(io);
    const svc = s.serviceStats;
    const tasks = s.taskStats;
    const ex = s.executionStats;
    const pairs: Array<[string, string]> = [];
    if (svc) {
      pairs.push(['uptime', `${svc.uptimeSeconds} s`], ['tasks', String(svc.totalTasks)], ['executions', String(svc.totalExecutions)], ['memory used', `${svc.totalMemoryUsed} bytes`], ['cpu', pct(svc.cpuUsagePercent)], ['memory', pct(svc.memoryUsagePercent)]);
    }
    if (tasks) {
      pairs.push(['active tasks', String(tasks.activeTasks)], ['idle tasks', String(tasks.idleTasks)], ['tasks by type', Object.entries(tasks.tasksByType).map(([k, n]) => `${k} ${n}`).join(', ') || '-']);
    }
    if (ex) {
      pairs.push(
        ['running', String(ex.runningExecutions)],
        ['pending', String(ex.pendingExecutions)],
        ['completed', p.green(String(ex.completedExecutions))],
        ['failed', ex.failedExecutions > 0 ? p.red(String(ex.failedExecutions)) : '0'],
        ['average time', `${ex.averageExecutionTimeMs.toFixed(1)} ms`],
        ['success rate', pct(ex.successRatePercent)],
      );
    }
    io.stdout.write(keyValues(pairs, p));
    if (tasks && tasks.mostActiveTasks.length > 0) {
      io.stdout.write(`\n${p.bold('most active tasks')}\n`);
      io.stdout.write(table(['TASK ID', 'NAME', 'EXECUTIONS'], tasks.mostActiveTasks.map((t) => [t.taskId, t.taskName, String(t.executionCount)]), p));
    }
    if (ex && Object.keys(ex.executionsByFunction).length > 0) {
      io.stdout.write(`\n${p.bold('executions by function')}\n`);
      const rows = Object.entries(ex.executionsByFunction).sort((a, b) => b[1] - a[1]).map(([fn, n]) => [fn, String(n)]);
      io.stdout.write(table(['FUNCTION', 'EXECUTIONS'], rows, p));
    }
    return Exit.OK;
  },
};
