/**
 * `spearlet secret put|delete|list`: an admin's secrets (SecretService). `put` reads the value
 * from stdin (or --from-file), never from the command line, where the process list would show it.
 */
import * as fs from 'node:fs/promises';
import { SecretClient } from '../client/secret-client.js';
import { COMMON_HELP, COMMON_OPTIONS, type Command, Exit, type Io, UsageError, clientSecurity, paintFor, parseFlags, targetOf } from './command.js';
import { toJson } from './output.js';

const OPTIONS = { ...COMMON_OPTIONS, 'from-file': { type: 'string' } } as const;

const HELP = `usage: spearlet secret put NAME [--from-file PATH]
       spearlet secret delete NAME
       spearlet secret list

Sets, deletes and lists the secrets tasks read by name (ArtifactSpec.metadata 'secrets', seen by
JavaScript guests as ctx.secrets.NAME). The server seals them with AES-256-GCM; no command or RPC
ever shows a value again. 'put' reads the value from stdin (one trailing newline is dropped), or
from --from-file.

options:
  --from-file PATH   read the value of 'put' from this file
${COMMON_HELP}`;

async function readStdin(io: Io): Promise<string> {
  const stdin = (io as Io & { stdin?: NodeJS.ReadableStream }).stdin ?? process.stdin;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export const secretCommand: Command = {
  name: 'secret',
  summary: 'set, delete or list secrets (put NAME < value, delete NAME, list)',
  help: HELP,
  async run(argv, io) {
    const { values: v, positionals } = parseFlags(argv, OPTIONS, { min: 1, max: 2, names: 'put|delete|list' });
    const [action, name] = positionals;
    if ((action === 'put' || action === 'delete') && name === undefined) throw new UsageError(`missing NAME for '${action}'`);
    if (action === 'list' && name !== undefined) throw new UsageError(`unexpected argument '${name}'`);
    if (action !== 'put' && v['from-file'] !== undefined) throw new UsageError(`--from-file is for 'put' only`);
    const client = new SecretClient(targetOf(v, io.env), clientSecurity(v, io.env));
    const green = paintFor(io).green;
    try {
      switch (action) {
        case 'put': {
          const value = v['from-file'] !== undefined ? (await fs.readFile(v['from-file'], 'utf8')).replace(/\r?\n$/, '') : await readStdin(io);
          const res = await client.put(name, value);
          if (v.json) io.stdout.write(toJson({ name, created: res.created, updatedAt: Number(res.updatedAt) }));
          else io.stdout.write(`${green(res.created ? 'created' : 'updated')} secret ${name}\n`);
          return Exit.OK;
        }
        case 'delete': {
          await client.delete(name);
          if (v.json) io.stdout.write(toJson({ name, deleted: true }));
          else io.stdout.write(`${green('deleted')} secret ${name}\n`);
          return Exit.OK;
        }
        case 'list': {
          const res = await client.list();
          const secrets = res.secrets.map((s) => ({ name: s.name, updatedAt: new Date(Number(s.updatedAt)).toISOString() }));
          if (v.json) io.stdout.write(toJson({ secrets }));
          else io.stdout.write(secrets.length === 0 ? 'no secrets\n' : secrets.map((s) => `${s.name}  ${s.updatedAt}\n`).join(''));
          return Exit.OK;
        }
        default:
          throw new UsageError(`unknown action '${action}': use put, delete or list`);
      }
    } finally {
      client.close();
    }
  },
};
