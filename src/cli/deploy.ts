/**
 * `spearlet deploy FILE`: registers a local file as a task without running it (DeployTask), with
 * its limits and metadata, and prints the task: its id, name, version and whether it is new.
 */
import { TASK_HELP, TASK_OPTIONS, artifactOfFile, isFile, taskMetadata } from './artifact-file.js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, UsageError, paintFor, parseFlags, withClient } from './command.js';
import { taskJson } from './format.js';
import { keyValues, toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, ...TASK_OPTIONS } as const;

const HELP = `usage: spearlet deploy FILE [options]

Registers FILE as a task without running it and prints the task. A .js or .ts file that imports
other files is bundled with esbuild first (one ES module goes to the server). Deploying a
changed file or changed options under an existing name makes a new version: a new task id, and
the name now calls it; older versions stay callable by their id. Deploying the same file with the
same options again changes nothing.

${TASK_HELP}
${COMMON_HELP}

exit status: 0 deployed (or unchanged), 1 the server refused it (e.g. a syntax error), 2 usage.

examples:
  spearlet deploy src/index.ts --name orders --memory 64 --timeout 5000
  spearlet deploy fixtures/js/basics.js --task-env GREETING=hello --min-instances 1`;

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'register a file as a task without running it (--memory, --timeout, ...)',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'FILE' });
    const file = positionals[0];
    if (!isFile(file)) throw new UsageError(`no such file: '${file}'`);
    const { name, spec, bundledFiles } = await artifactOfFile(file, v, taskMetadata(v));
    const res = await withClient(v, io, (client) => client.deployTask({ taskName: name, taskDescription: v.description ?? '', artifactSpec: spec }));
    const task = res.task;
    if (!task) throw new Error('DeployTask answered without a task');
    if (v.json) {
      io.stdout.write(toJson({ created: res.created, ...taskJson(task) }));
      return Exit.OK;
    }
    const p = paintFor(io);
    const m = task.metadata ?? {};
    const err = paintFor(io, 'stderr');
    io.stderr.write(`${res.created ? err.green('DEPLOYED') : err.yellow('UNCHANGED')} ${task.taskName} version ${m.version ?? '?'}${bundledFiles > 1 ? err.dim(` · bundled ${bundledFiles} files`) : ''}\n`);
    const pairs: Array<[string, string]> = [
      ['task id', p.bold(task.taskId)],
      ['name', task.taskName],
      ['version', `${m.version ?? '?'}${m.current === 'true' ? ' (current)' : ''}`],
      ['type', task.artifactSpec?.artifactType ?? ''],
      ['checksum', task.artifactSpec?.checksum ?? ''],
      ['exports', m.exports ?? ''],
      ['memory limit', `${m.memory_limit_mb} MB`],
      ['timeout', `${m.timeout_ms} ms`],
      ['instances', `${m.min_instances}-${m.max_instances}`],
      ['concurrency', m.max_concurrency ?? ''],
      ...Object.entries(task.artifactSpec?.metadata ?? {})
        .filter(([k]) => k === 'tenant' || k.startsWith('env.'))
        .map(([k, val]): [string, string] => [k, val]),
    ];
    io.stdout.write(keyValues(pairs, p));
    return Exit.OK;
  },
};
