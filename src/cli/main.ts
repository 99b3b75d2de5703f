/**
 * The `spearlet` command line. Each subcommand lives in its own module; this one dispatches,
 * prints help, and turns errors into messages and exit codes (1 error, 2 usage).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { SpearletError } from '../errors.js';
import { cancelCommand } from './cancel.js';
import { type Command, CommandError, DEFAULT_TARGET, Exit, type Io, UsageError } from './command.js';
import { conformanceCommand } from './conformance.js';
import { deleteCommand } from './delete.js';
import { executionsCommand } from './executions.js';
import { healthCommand } from './health.js';
import { invokeCommand } from './invoke.js';
import { secretCommand } from './secret.js';
import { serveCommand } from './serve-command.js';
import { statsCommand } from './stats.js';
import { statusCommand } from './status.js';
import { taskCommand } from './task.js';
import { tasksCommand } from './tasks.js';

const COMMANDS: readonly Command[] = [
  serveCommand,
  invokeCommand,
  tasksCommand,
  taskCommand,
  deleteCommand,
  executionsCommand,
  statusCommand,
  cancelCommand,
  secretCommand,
  healthCommand,
  statsCommand,
  conformanceCommand,
];

const USAGE = `usage: spearlet <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Client commands talk to --target HOST:PORT (default ${DEFAULT_TARGET}, or $SPEARLET_TARGET) and
print tables on a terminal (colours unless NO_COLOR), JSON with --json.
Run 'spearlet <command> --help' for a command's options.

exit status: 0 ok, 1 error (the server refused, could not be reached, or found nothing),
2 usage error, 3 an execution ended other than COMPLETED (invoke, status) or was not cancelled.
`;

interface GrpcError {
  code: number;
  details: string;
  metadata?: { get(key: string): unknown[] };
}

const isGrpcError = (err: unknown): err is GrpcError => err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'details' in err;

/** The message for an error, and its exit code. */
function describeError(err: unknown, command: string): [string, number] {
  if (err instanceof UsageError) return [`${err.message}\nrun 'spearlet ${command} --help' for usage`, Exit.USAGE];
  if (err instanceof CommandError) return [err.message, Exit.ERROR];
  if (isGrpcError(err)) {
    const name = GrpcStatus[err.code] ?? String(err.code);
    if (err.code === GrpcStatus.UNAVAILABLE && !err.metadata?.get('spearlet-error-code').length) return [`cannot reach the server: ${err.details.replace(/\s*Resolution note:\s*$/, '')}`, Exit.ERROR];
    const code = err.metadata?.get('spearlet-error-code')[0];
    return [`${err.details} (${name}${code ? `, ${String(code)}` : ''})`, Exit.ERROR];
  }
  if (err instanceof SpearletError) return [err.message, Exit.ERROR];
  return [err instanceof Error ? (err.stack ?? err.message) : String(err), Exit.ERROR];
}

async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    (name === undefined ? io.stderr : io.stdout).write(topic ? `${topic.help}\n` : USAGE);
    return name === undefined ? Exit.USAGE : Exit.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`spearlet: unknown command '${name}'\n\n${USAGE}`);
    return Exit.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return Exit.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const [message, code] = describeError(err, command.name);
    io.stderr.write(`spearlet ${command.name}: ${message}\n`);
    return code;
  }
}

const io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // Let stdout drain when piped; serve has already closed everything it opened.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`spearlet: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
