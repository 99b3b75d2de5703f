/**
 * `spearlet serve` as a subcommand: its help (made from the option definitions, src/config/help.ts)
 * and usage errors around serve.ts.
 */
import { ErrorCodes, SpearletError } from '../errors.js';
import { type Command, UsageError } from './command.js';
import { serveHelp } from '../config/help.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gRPC server (--listen, --data-dir, --metrics-listen, ...)',
  help: serveHelp(),
  async run(argv) {
    try {
      // Loaded on demand: client commands never load the server, its runtimes or RocksDB.
      const { serve } = await import('./serve.js');
      return await serve(argv);
    } catch (err) {
      // A bad flag or environment value is a usage error (exit 2), like the client commands'.
      if (err instanceof SpearletError && err.code === ErrorCodes.INVALID_CONFIG) throw new UsageError(err.message);
      throw err;
    }
  },
};
