/**
 * `spearlet delete ID`: deletes a task; --force cancels its running executions first, --cleanup
 * removes its execution records too.
 */
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, paintFor, parseFlags, withClient } from './command.js';
import { toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, force: { type: 'boolean' }, cleanup: { type: 'boolean' } } as const;

const HELP = `usage: spearlet delete TASK_ID [--force] [--cleanup]

Deletes a task and disposes its warm instances. Refused while it has running executions, unless
--force, which cancels them first.

options:
  --force     cancel running executions, then delete
  --cleanup   also remove the task's execution records
${COMMON_HELP}`;

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete a task (--force, --cleanup)',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'TASK_ID' });
    const res = await withClient(v, io, (client) => client.deleteTask({ taskId: positionals[0], force: v.force ?? false, cleanupExecutions: v.cleanup ?? false }));
    if (v.json) io.stdout.write(toJson({ taskId: positionals[0], deleted: res.deleted, cleanedExecutions: res.cleanedExecutions, message: res.message }));
    else io.stdout.write(`${paintFor(io).green('deleted')} ${res.message}\n`);
    return res.deleted ? Exit.OK : Exit.ERROR;
  },
};
