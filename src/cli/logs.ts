/**
 * `spearlet logs EXECUTION_ID [--follow]`: an execution's log lines on stdout; with --follow the
 * lines of a running execution as the guest writes them, until it ends (FollowExecutionLogs).
 * Ctrl-C stops following; the execution goes on.
 */
import type { ExecutionLogLine__Output } from '../generated/spearlet/ExecutionLogLine.js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, paintFor, parseFlags, withClient } from './command.js';
import { short, statusText } from './format.js';

const OPTIONS = { ...COMMON_OPTIONS, follow: { type: 'boolean', short: 'f' } } as const;

const HELP = `usage: spearlet logs EXECUTION_ID [--follow]

Prints an execution's captured log lines (console.* of a JavaScript function, stderr of a WASI
module), one per line on stdout, and its status on stderr. With --follow, a PENDING or RUNNING
execution's lines are printed as they are written, until it ends. Ctrl-C stops following; the
execution goes on (cancel it with 'spearlet cancel').

options:
  -f, --follow   keep printing new lines until the execution ends
${COMMON_HELP}

exit status: 0 completed, 3 ended otherwise (FAILED, TIMEOUT, CANCELLED), 4 still PENDING or
RUNNING (without --follow, or when following was stopped), 1 unknown id or unreachable server.`;

export const logsCommand: Command = {
  name: 'logs',
  summary: "an execution's log lines (--follow tails a running one)",
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 1, names: 'EXECUTION_ID' });
    const executionId = positionals[0];
    return withClient(v, io, (client) =>
      new Promise<number>((resolve, reject) => {
        const call = client.followLogsCall({ executionId, follow: v.follow ?? false });
        let final: ExecutionLogLine__Output | undefined;
        let stopped = false;
        const onSigint = () => {
          stopped = true;
          call.cancel();
        };
        process.once('SIGINT', onSigint);
        const done = (code: number) => {
          process.removeListener('SIGINT', onSigint);
          resolve(code);
        };
        call.on('data', (m: ExecutionLogLine__Output) => {
          if (m.isFinal) final = m;
          else io.stdout.write(v.json ? `${JSON.stringify({ executionId, line: m.line })}\n` : `${m.line}\n`);
        });
        call.on('error', (err) => {
          if (stopped) done(Exit.STILL_RUNNING);
          else {
            process.removeListener('SIGINT', onSigint);
            reject(err);
          }
        });
        call.on('end', () => {
          const status = short(final?.status);
          if (v.json) io.stdout.write(`${JSON.stringify({ executionId, status, final: true })}\n`);
          else io.stderr.write(`${statusText(status, paintFor(io, 'stderr'))} ${executionId}\n`);
          done(status === 'COMPLETED' ? Exit.OK : status === 'PENDING' || status === 'RUNNING' ? Exit.STILL_RUNNING : Exit.NOT_COMPLETED);
        });
      }),
    );
  },
};
