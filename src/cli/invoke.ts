/**
 * `spearlet invoke NAME|TASK_ID|FILE`: calls the current version of a task name, a task by id, or
 * registers a local file as a task (sent inline, bundled when it imports) and calls it; in SYNC,
 * ASYNC (followed, or not with --no-wait) or STREAM mode.
 */
import type { FunctionClient } from '../client/function-client.js';
import { encodeTypedParam } from '../client/typed-params.js';
import type { InvokeFunctionRequest } from '../generated/spearlet/InvokeFunctionRequest.js';
import { TASK_HELP, TASK_OPTIONS, artifactOfFile, isFile, looksLikePath, taskMetadata } from './artifact-file.js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, type Io, UsageError, intFlag, paintFor, parseFlags, withClient } from './command.js';
import { printExecution } from './execution-view.js';
import { short } from './format.js';
import { toJson } from './output.js';
import { parseEnvFlags, parseParamFlag } from './param-flags.js';
import { startProgress } from './progress.js';
import { streamInvocation } from './stream-view.js';

/** What the server makes task ids look like; anything else that is not a file is taken as a task name. */
const GENERATED_TASK_ID = /^task-[0-9A-HJKMNP-TV-Z]{26}$/;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...TASK_OPTIONS,
  fn: { type: 'string' },
  param: { type: 'string', multiple: true, short: 'p' },
  async: { type: 'boolean' },
  'no-wait': { type: 'boolean' },
  stream: { type: 'boolean' },
  timeout: { type: 'string' },
  env: { type: 'string', multiple: true, short: 'e' },
  'execution-id': { type: 'string' },
  'new-instance': { type: 'boolean' },
  logs: { type: 'boolean' },
  raw: { type: 'boolean' },
} as const;

const HELP = `usage: spearlet invoke NAME|TASK_ID|FILE [options]

Calls a function. NAME calls the current (newest) version of the task of that name; TASK_ID a
task by id (also an older version); FILE (a local .js/.mjs/.ts/.wasm file) is registered as a
task, its bytes sent inline (bundled with esbuild when it imports other files), then called. The
result goes to stdout, the status line to stderr.

options:
  --fn NAME              the function (default: the default export, else 'handler')
  -p, --param K=V        a parameter (repeatable); typed: K:int=3 K:float=1.5 K:bool=true
                         K:json='{"a":1}' K:bytes=@file K:string=text (also int32 uint32 int64
                         uint64 double struct list; untyped is a string)
  --async                run ASYNC and follow it to the end (progress on a terminal)
  --no-wait              with --async: print the execution id and return at once
  --stream               StreamFunction: print each chunk as it arrives (Ctrl-C cancels)
  --timeout MS           context.timeout_ms (this call's timeout)
  -e, --env K=V          context.environment (repeatable)
  --execution-id ID      a caller-chosen execution id (a repeated id returns the existing execution)
  --new-instance         force_new_instance
  --logs                 show the execution's log lines (stderr; in --json, a logs field)
  --raw                  write the result as it is: bytes as bytes, a string without a newline
${TASK_HELP.replace(/ {2}--timeout MS {11}timeout_ms: the task's default execution timeout\n/, '').replace('task options (', 'task options, for FILE (')}
${COMMON_HELP}

exit status: 0 completed, 3 the execution ended otherwise (FAILED, TIMEOUT, ...), 1 the request
was refused, 2 usage.

examples:
  spearlet invoke fixtures/js/basics.js --fn add -p a:int=2 -p b:int=3
  spearlet invoke orders --fn total -p id=42
  spearlet invoke task-01J... --fn greet -p name=ada --json
  spearlet invoke fixtures/js/streaming.js --fn count -p n:int=5 --stream`;

type Values = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

/** The request for the command line (reads, and maybe bundles, FILE). */
export async function buildRequest(target: string, v: Values): Promise<InvokeFunctionRequest> {
  if (v['no-wait'] && !v.async) throw new UsageError('--no-wait needs --async');
  if (v.async && v.stream) throw new UsageError('--async and --stream exclude each other');
  if (v.raw && (v.json || v.stream)) throw new UsageError('--raw applies to a SYNC or --async result, without --json');
  const req: InvokeFunctionRequest = {
    functionName: v.fn ?? '',
    parameters: (v.param ?? []).map((p) => encodeTypedParam(parseParamFlag(p))),
    context: { timeoutMs: intFlag(v.timeout, 'timeout', 1) ?? 0, environment: parseEnvFlags(v.env ?? []) },
    forceNewInstance: v['new-instance'] ?? false,
  };
  if (v['execution-id'] !== undefined) req.executionId = v['execution-id'];
  if (isFile(target)) {
    const { name, spec } = await artifactOfFile(target, v, taskMetadata(v, false));
    req.invocationType = 'INVOCATION_TYPE_NEW_TASK';
    req.taskName = name;
    req.taskDescription = v.description ?? '';
    req.artifactSpec = spec;
  } else {
    if (looksLikePath(target)) throw new UsageError(`no such file: '${target}' (give a file path, a task name or a task id)`);
    const taskFlags = Object.keys(TASK_OPTIONS).filter((k) => k !== 'timeout' && v[k as keyof Values] !== undefined);
    if (taskFlags.length > 0) throw new UsageError(`--${taskFlags[0]} applies when invoking a file; to change a task, deploy it again`);
    req.invocationType = 'INVOCATION_TYPE_EXISTING_TASK';
    if (GENERATED_TASK_ID.test(target)) req.taskId = target;
    else req.taskName = target;
  }
  req.executionMode = v.stream ? 'EXECUTION_MODE_STREAM' : v.async ? 'EXECUTION_MODE_ASYNC' : 'EXECUTION_MODE_SYNC';
  return req;
}

/**
 * Runs `call` with the request; a name the server does not know is tried once more as a task id,
 * for tasks registered with a caller-chosen id (create_if_not_exists).
 */
async function byNameOrId<T>(req: InvokeFunctionRequest, call: (req: InvokeFunctionRequest) => Promise<T>): Promise<T> {
  try {
    return await call(req);
  } catch (err) {
    const field = (err as { metadata?: { get(key: string): unknown[] } }).metadata?.get('spearlet-field')[0];
    if (req.taskName === '' || req.taskName === undefined || req.invocationType !== 'INVOCATION_TYPE_EXISTING_TASK' || field !== 'task_name') throw err;
    // Neither a name nor an id: the name's error says so best.
    return call({ ...req, taskId: req.taskName, taskName: '' }).catch((again: { code?: number }) => {
      throw again.code === 5 ? err : again;
    });
  }
}

async function logsOf(client: FunctionClient, executionId: string, wanted: boolean | undefined): Promise<string[] | undefined> {
  if (!wanted) return undefined;
  return (await client.getExecutionStatus({ executionId, includeLogs: true })).logs;
}

async function followAsync(client: FunctionClient, req: InvokeFunctionRequest, v: Values, io: Io): Promise<number> {
  const accepted = await byNameOrId(req, (r) => client.invoke(r));
  if (v['no-wait']) {
    const status = short(accepted.result?.status);
    if (v.json) io.stdout.write(toJson({ executionId: accepted.executionId, taskId: accepted.taskId, status, statusEndpoint: accepted.statusEndpoint }));
    else {
      io.stderr.write(`${paintFor(io, 'stderr').yellow(status)} accepted · follow with: spearlet status ${accepted.executionId}\n`);
      io.stdout.write(`${accepted.executionId}\n`);
    }
    return Exit.OK;
  }
  const progress = startProgress(`${accepted.executionId} PENDING`, io.stderr);
  try {
    for (let interval = 50; ; interval = Math.min(interval * 2, 500)) {
      const res = await client.getExecutionStatus({ executionId: accepted.executionId, includeResult: true, includeLogs: v.logs ?? false });
      const status = short(res.result?.status);
      progress.update(`${accepted.executionId} ${status}`);
      if (res.found && status !== 'PENDING' && status !== 'RUNNING') {
        progress.stop();
        return printExecution({ executionId: accepted.executionId, taskId: accepted.taskId, result: res.result, logs: v.logs ? res.logs : undefined, raw: v.raw }, v.json ?? false, io);
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  } finally {
    progress.stop();
  }
}

export const invokeCommand: Command = {
  name: 'invoke',
  summary: 'call a function of a task (by name or id) or of a local file (--async, --stream)',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'a task NAME, TASK_ID or FILE' });
    const req = await buildRequest(positionals[0], v);
    return withClient(v, io, async (client) => {
      if (v.stream) return streamInvocation(client, req, v.json ?? false, io);
      if (v.async) return followAsync(client, req, v, io);
      const res = await byNameOrId(req, (r) => client.invoke(r));
      return printExecution({ executionId: res.executionId, taskId: res.taskId, result: res.result, logs: await logsOf(client, res.executionId, v.logs), raw: v.raw }, v.json ?? false, io);
    });
  },
};
