/**
 * `spearlet invoke FILE|TASK_ID`: registers a local file as a task (sent inline) or calls an
 * existing task, in SYNC, ASYNC (followed, or not with --no-wait) or STREAM mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionClient } from '../client/function-client.js';
import { encodeTypedParam } from '../client/typed-params.js';
import type { InvokeFunctionRequest } from '../generated/spearlet/InvokeFunctionRequest.js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, type Io, UsageError, intFlag, paintFor, parseFlags, withClient } from './command.js';
import { printExecution } from './execution-view.js';
import { short } from './format.js';
import { toJson } from './output.js';
import { parseEnvFlags, parseParamFlag } from './param-flags.js';
import { startProgress } from './progress.js';
import { streamInvocation } from './stream-view.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  fn: { type: 'string' },
  param: { type: 'string', multiple: true, short: 'p' },
  type: { type: 'string' },
  name: { type: 'string' },
  async: { type: 'boolean' },
  'no-wait': { type: 'boolean' },
  stream: { type: 'boolean' },
  timeout: { type: 'string' },
  env: { type: 'string', multiple: true, short: 'e' },
  'execution-id': { type: 'string' },
  'new-instance': { type: 'boolean' },
  logs: { type: 'boolean' },
} as const;

const TYPE_BY_EXTENSION: Record<string, string> = { '.js': 'javascript', '.mjs': 'javascript', '.wasm': 'wasm' };

const HELP = `usage: spearlet invoke FILE|TASK_ID [options]

Calls a function. FILE (a local .js/.mjs/.wasm file) is registered as a task, its bytes sent
inline; anything else is taken as a task id. The result goes to stdout, the status line to stderr.

options:
  --fn NAME              the function (default: the default export, else 'handler')
  -p, --param K=V        a parameter (repeatable); typed: K:int=3 K:float=1.5 K:bool=true
                         K:json='{"a":1}' K:bytes=@file K:string=text (also int32 uint32 int64
                         uint64 double struct list; untyped is a string)
  --type TYPE            artifact_type of FILE (default from the extension: .js/.mjs javascript, .wasm wasm)
  --name NAME            task name when registering FILE (default: the file name)
  --async                run ASYNC and follow it to the end (progress on a terminal)
  --no-wait              with --async: print the execution id and return at once
  --stream               StreamFunction: print each chunk as it arrives (Ctrl-C cancels)
  --timeout MS           context.timeout_ms
  -e, --env K=V          context.environment (repeatable)
  --execution-id ID      a caller-chosen execution id (a repeated id returns the existing execution)
  --new-instance         force_new_instance
  --logs                 show the execution's log lines (stderr; in --json, a logs field)
${COMMON_HELP}

exit status: 0 completed, 3 the execution ended otherwise (FAILED, TIMEOUT, ...), 1 the request was refused, 2 usage.

examples:
  spearlet invoke fixtures/js/basics.js --fn add -p a:int=2 -p b:int=3
  spearlet invoke task-01J... --fn greet -p name=ada --json
  spearlet invoke fixtures/js/streaming.js --fn count -p n:int=5 --stream`;

type Values = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

function looksLikeFile(arg: string): boolean {
  return arg.includes('/') || arg.includes(path.sep) || Object.keys(TYPE_BY_EXTENSION).includes(path.extname(arg));
}

/** The request for the command line (reads FILE). */
export function buildRequest(target: string, v: Values): InvokeFunctionRequest {
  if (v['no-wait'] && !v.async) throw new UsageError('--no-wait needs --async');
  if (v.async && v.stream) throw new UsageError('--async and --stream exclude each other');
  const req: InvokeFunctionRequest = {
    functionName: v.fn ?? '',
    parameters: (v.param ?? []).map((p) => encodeTypedParam(parseParamFlag(p))),
    context: { timeoutMs: intFlag(v.timeout, 'timeout', 1) ?? 0, environment: parseEnvFlags(v.env ?? []) },
    forceNewInstance: v['new-instance'] ?? false,
  };
  if (v['execution-id'] !== undefined) req.executionId = v['execution-id'];
  if (fs.existsSync(target) && fs.statSync(target).isFile()) {
    const type = v.type ?? TYPE_BY_EXTENSION[path.extname(target).toLowerCase()];
    if (!type) throw new UsageError(`cannot tell the artifact type of '${target}' from its extension; give --type`);
    const bytes = fs.readFileSync(target);
    req.invocationType = 'INVOCATION_TYPE_NEW_TASK';
    req.taskName = v.name ?? path.basename(target, path.extname(target));
    req.artifactSpec = { artifactType: type, location: `data:application/octet-stream;base64,${bytes.toString('base64')}` };
  } else {
    if (looksLikeFile(target)) throw new UsageError(`no such file: '${target}' (give a file path or a task id)`);
    if (v.type !== undefined || v.name !== undefined) throw new UsageError('--type and --name apply when invoking a file, not a task id');
    req.invocationType = 'INVOCATION_TYPE_EXISTING_TASK';
    req.taskId = target;
  }
  req.executionMode = v.stream ? 'EXECUTION_MODE_STREAM' : v.async ? 'EXECUTION_MODE_ASYNC' : 'EXECUTION_MODE_SYNC';
  return req;
}

async function logsOf(client: FunctionClient, executionId: string, wanted: boolean | undefined): Promise<string[] | undefined> {
  if (!wanted) return undefined;
  return (await client.getExecutionStatus({ executionId, includeLogs: true })).logs;
}

async function followAsync(client: FunctionClient, req: InvokeFunctionRequest, v: Values, io: Io): Promise<number> {
  const accepted = await client.invoke(req);
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
        return printExecution({ executionId: accepted.executionId, taskId: accepted.taskId, result: res.result, logs: v.logs ? res.logs : undefined }, v.json ?? false, io);
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  } finally {
    progress.stop();
  }
}

export const invokeCommand: Command = {
  name: 'invoke',
  summary: 'call a function of a local file or a task (SYNC, --async, --stream)',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'FILE or TASK_ID' });
    const req = buildRequest(positionals[0], v);
    return withClient(v, io, async (client) => {
      if (v.stream) return streamInvocation(client, req, v.json ?? false, io);
      if (v.async) return followAsync(client, req, v, io);
      const res = await client.invoke(req);
      return printExecution({ executionId: res.executionId, taskId: res.taskId, result: res.result, logs: await logsOf(client, res.executionId, v.logs) }, v.json ?? false, io);
    });
  },
};
