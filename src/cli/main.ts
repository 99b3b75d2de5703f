/**
 * The `spearlet` command line. Each subcommand lives in its own module; this one dispatches,
 * prints help, and turns errors into messages and exit codes (1 error, 2 usage).
 */
import * as fs from 'node:fs';
import { SpearletError } from '../errors.js';
import { CommandError, DEFAULT_TARGET, Exit, type Io, UsageError } from './command.js';
import { COMMANDS } from './commands.js';
import { didYouMean } from './suggest.js';

const USAGE = `usage: spearlet <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Client commands talk to --target HOST:PORT (default ${DEFAULT_TARGET}, or $SPEARLET_TARGET) and
print tables on a terminal (colours unless NO_COLOR), JSON with --json.
Run 'spearlet <command> --help' for a command's options; 'spearlet --version' for the version.

exit status: 0 ok, 1 error (the server refused, could not be reached, or found nothing),
2 usage error, 3 an execution ended other than COMPLETED (invoke, status, logs) or was not
cancelled, 4 the execution is still PENDING or RUNNING (status, logs).
`;

/** The package version: package.json two levels up, in the sources and in dist/ alike (the build writes one there). */
function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

interface GrpcError {
  code: number;
  details: string;
  metadata?: { get(key: string): unknown[] };
}

const isGrpcError = (err: unknown): err is GrpcError => err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'details' in err;

/** The message for an error, and its exit code. */
async function describeError(err: unknown, command: string, env: NodeJS.ProcessEnv): Promise<[string, number]> {
  if (err instanceof UsageError) return [`${err.message}\nrun 'spearlet ${command} --help' for usage`, Exit.USAGE];
  if (err instanceof CommandError) return [err.message, Exit.ERROR];
  if (isGrpcError(err)) {
    // Loaded here: a command that got a gRPC error has loaded grpc-js already.
    const { status: GrpcStatus } = await import('@grpc/grpc-js');
    const name = GrpcStatus[err.code] ?? String(err.code);
    if (err.code === GrpcStatus.UNAVAILABLE && !err.metadata?.get('spearlet-error-code').length) {
      const from = env.SPEARLET_TARGET ? ' (from $SPEARLET_TARGET)' : '';
      return [
        `cannot reach the server${from}: ${err.details.replace(/\s*Resolution note:\s*$/, '')}\n` +
          `start one with 'spearlet serve' (or 'npm start'), or give the address of a running one with --target HOST:PORT or SPEARLET_TARGET (default ${DEFAULT_TARGET})`,
        Exit.ERROR,
      ];
    }
    const code = err.metadata?.get('spearlet-error-code')[0];
    return [`${err.details} (${name}${code ? `, ${String(code)}` : ''})`, Exit.ERROR];
  }
  if (err instanceof SpearletError) return [err.message, Exit.ERROR];
  return [err instanceof Error ? (err.stack ?? err.message) : String(err), Exit.ERROR];
}

async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`spearlet ${version()}\n`);
    return Exit.OK;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    (name === undefined ? io.stderr : io.stdout).write(topic ? `${(await topic.load()).help}\n` : USAGE);
    return name === undefined ? Exit.USAGE : Exit.OK;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    io.stderr.write(`spearlet: unknown command '${name}'${hint}\n\n${USAGE}`);
    return Exit.USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return Exit.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const [message, code] = await describeError(err, command.name, io.env);
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
