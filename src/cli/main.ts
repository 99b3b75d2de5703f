/**
 * The `spearlet` command line. Subcommands each live in their own module.
 */
import { SpearletError } from '../errors.js';
import { serve } from './serve.js';

const USAGE = `usage: spearlet <command> [options]

commands:
  serve        run the gRPC server (flags: --listen HOST:PORT --data-dir DIR --artifact-root DIR ...)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`spearlet: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof SpearletError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`spearlet: ${message}\n`);
    process.exit(1);
  },
);
