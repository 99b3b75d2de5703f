/**
 * `spearlet cancel ID`: cancels a pending or running execution.
 */
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, paintFor, parseFlags, withClient } from './command.js';
import { short, statusText } from './format.js';
import { toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, reason: { type: 'string' } } as const;

const HELP = `usage: spearlet cancel EXECUTION_ID [--reason TEXT]

Stops a PENDING or RUNNING execution (a running sandbox is terminated); it ends CANCELLED.

options:
  --reason TEXT   recorded in the execution's error message
${COMMON_HELP}

exit status: 0 cancelled, 3 it had already finished (its final status is printed), 1 unknown id.`;

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a running execution (--reason)',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'EXECUTION_ID' });
    const res = await withClient(v, io, (client) => client.cancelExecution({ executionId: positionals[0], reason: v.reason ?? '' }));
    const finalStatus = short(res.finalStatus);
    if (v.json) io.stdout.write(toJson({ executionId: positionals[0], cancelled: res.success, finalStatus, message: res.message }));
    else io.stdout.write(`${statusText(finalStatus, paintFor(io))} ${positionals[0]}: ${res.message}\n`);
    return res.success ? Exit.OK : Exit.NOT_COMPLETED;
  },
};
