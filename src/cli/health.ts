/**
 * `spearlet health`: the server's health and live figures (GetHealth with details).
 */
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, paintFor, parseFlags, withClient } from './command.js';
import { statusText } from './format.js';
import { keyValues, toJson } from './output.js';

const HELP = `usage: spearlet health

Shows the server's status (healthy, degraded, unhealthy), uptime and live figures.
${COMMON_HELP}

exit status: 0 healthy or degraded, 1 unhealthy or unreachable.`;

export const healthCommand: Command = {
  name: 'health',
  summary: 'server health and live figures',
  help: HELP,
  async run(argv, io) {
    const { values: v } = parseFlags(argv, COMMON_OPTIONS, { min: 0, max: 0, names: '' });
    const h = await withClient(v, io, (client) => client.getHealth({ includeDetails: true }));
    const d = h.details;
    const code = h.status === 'unhealthy' ? Exit.ERROR : Exit.OK;
    if (v.json) {
      io.stdout.write(
        toJson({
          status: h.status,
          message: h.message,
          uptimeSeconds: Number(h.uptimeSeconds),
          details: d ? { ...d, totalMemoryUsed: Number(d.totalMemoryUsed), totalExecutions: Number(d.totalExecutions) } : null,
        }),
      );
      return code;
    }
    const p = paintFor(io);
    const pairs: Array<[string, string]> = [
      ['status', statusText(h.status, p)],
      ['message', h.message],
      ['uptime', `${h.uptimeSeconds} s`],
    ];
    if (d) {
      pairs.push(
        ['active tasks', String(d.activeTasks)],
        ['running executions', String(d.runningExecutions)],
        ['pending executions', String(d.pendingExecutions)],
        ['memory used', `${d.totalMemoryUsed} bytes`],
        ['total executions', String(d.totalExecutions)],
        ...Object.entries(d.systemInfo ?? {}).map(([k, val]): [string, string] => [k.replace(/_/g, ' '), val]),
      );
    }
    io.stdout.write(keyValues(pairs, p));
    return code;
  },
};
