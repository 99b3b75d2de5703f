/**
 * `spearlet tasks`: lists tasks (ordered by task id), one page or, with --all, every page.
 */
import type { TaskInfo__Output } from '../generated/spearlet/TaskInfo.js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, collectPages, intFlag, paintFor, parseFlags, withClient } from './command.js';
import { short, statusText, taskJson, time } from './format.js';
import { table, toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, prefix: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' } } as const;

const HELP = `usage: spearlet tasks [--prefix P] [--limit N] [--all]

Lists registered tasks, oldest first: each version of a name is a task of its own; VERSION
says which one it is, and '*' marks the current version (what 'spearlet invoke NAME' calls).

options:
  --prefix P     only tasks whose name starts with P
  --limit N      tasks per page (server default 50, at most 1000)
  --all          follow next_start_after through every page
${COMMON_HELP}`;

export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'list tasks with their versions (--prefix, --limit, --all)',
  help: HELP,
  async run(argv, io) {
    const { values: v } = parseFlags(argv, OPTIONS, { min: 0, max: 0, names: '' });
    const limit = intFlag(v.limit, 'limit', 1) ?? 0;
    const { items: tasks, hasMore } = await withClient(v, io, (client) =>
      collectPages<TaskInfo__Output>(v.all, async (startAfter) => {
        const page = await client.listTasks({ prefix: v.prefix ?? '', limit, startAfter, includeDetails: true });
        return { items: page.tasks, hasMore: page.hasMore, nextStartAfter: page.nextStartAfter };
      }),
    );
    if (v.json) {
      io.stdout.write(toJson({ tasks: tasks.map(taskJson), hasMore }));
      return Exit.OK;
    }
    const p = paintFor(io);
    if (tasks.length === 0) {
      io.stderr.write('no tasks\n');
      return Exit.OK;
    }
    const version = (t: TaskInfo__Output) => `${t.metadata?.version ?? '-'}${t.metadata?.current === 'true' ? ' *' : ''}`;
    const rows = tasks.map((t) => [t.taskId, t.taskName, version(t), t.artifactSpec?.artifactType ?? '', String(t.executionCount), t.lastStatus && short(t.lastStatus) !== 'UNKNOWN' ? statusText(t.lastStatus, p) : p.dim('-'), time(t.createdAt)]);
    io.stdout.write(table(['TASK ID', 'NAME', 'VERSION', 'TYPE', 'EXECUTIONS', 'LAST STATUS', 'CREATED'], rows, p));
    if (hasMore) io.stderr.write(p.dim(`more tasks: --all, or --limit with a higher N\n`));
    return Exit.OK;
  },
};
