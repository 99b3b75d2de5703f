/**
 * What every client subcommand shares: its shape (name, help, run), flag parsing that turns
 * mistakes into usage errors (exit 2), the server address, the output streams and colours, and
 * the client it talks through.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type ClientSecurity, securityFrom } from '../client/client-security.js';
import type { FunctionClient } from '../client/function-client.js';
import { type Paint, colorEnabled, paint } from './output.js';
import { didYouMean } from './suggest.js';

export const DEFAULT_TARGET = '127.0.0.1:50051';

/**
 * Exit codes: 0 ok, 1 error (RPC refused, unreachable, not found), 2 usage, 3 the execution ended
 * other than COMPLETED / nothing to cancel, 4 the execution is still PENDING or RUNNING.
 */
export const Exit = { OK: 0, ERROR: 1, USAGE: 2, NOT_COMPLETED: 3, STILL_RUNNING: 4 } as const;

/** A mistake in the command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The server answered, but not with what the user asked for (e.g. found=false). Exit 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** One line for `spearlet --help`. */
  summary: string;
  /** The full text of `spearlet <name> --help`. */
  help: string;
  run(argv: string[], io: Io): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every client command takes. */
export const COMMON_OPTIONS = {
  target: { type: 'string' },
  json: { type: 'boolean' },
  token: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  tenant: { type: 'string' },
} as const satisfies Options;

export const COMMON_HELP = `common options:
  --target HOST:PORT   the server (default ${DEFAULT_TARGET}, or $SPEARLET_TARGET)
  --json               machine-readable JSON on stdout
  --token TOKEN        bearer token (or $SPEARLET_TOKEN)
  --ca FILE            TLS: the CA that signed the server's certificate (or $SPEARLET_CA)
  --cert FILE --key FILE  mutual TLS: the client certificate and key ($SPEARLET_CERT, $SPEARLET_KEY)
  --tenant NAME        an admin token acts as this tenant (or $SPEARLET_TENANT)
  -h, --help           this help`;

export interface Parsed<V> {
  values: V;
  positionals: string[];
}

/** Parses flags strictly; unknown flags, missing values and wrong positional counts are UsageErrors. */
export function parseFlags<O extends Options>(argv: string[], options: O, positionals: { min: number; max: number; names: string }): Parsed<ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values']> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional.*$/s, '');
    const unknown = /^Unknown option '--([^'=]+)'/.exec(message);
    throw new UsageError(unknown ? `${message}${didYouMean(unknown[1], Object.keys(options), '--')}` : message);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min) throw new UsageError(`missing ${positionals.names}`);
  if (n > positionals.max) throw new UsageError(`unexpected argument '${parsed.positionals[positionals.max]}'`);
  return { values: parsed.values, positionals: parsed.positionals };
}

/** A positive integer flag, or undefined when absent. */
export function intFlag(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

export function targetOf(values: { target?: string }, env: NodeJS.ProcessEnv): string {
  const target = values.target ?? env.SPEARLET_TARGET ?? DEFAULT_TARGET;
  if (!/^(\[[^\]]+\]|[^:\s]+):\d+$/.test(target) && !/^[a-z]+:/.test(target)) throw new UsageError(`--target must be HOST:PORT, got '${target}'`);
  return target;
}

type SecurityFlags = { token?: string; ca?: string; cert?: string; key?: string; tenant?: string };

/** Token and TLS files from the flags and SPEARLET_* variables; a half-given client certificate is a usage error. */
export function clientSecurity(values: SecurityFlags, env: NodeJS.ProcessEnv): ClientSecurity {
  const security = securityFrom(values, env);
  if ((security.cert === undefined) !== (security.key === undefined)) throw new UsageError('--cert and --key go together');
  return security;
}

/** Colours for stdout (or stderr). */
export function paintFor(io: Io, stream: 'stdout' | 'stderr' = 'stdout'): Paint {
  return paint(colorEnabled(io[stream], io.env));
}

/** Runs `fn` with a client for the command's target and closes it afterwards. */
export async function withClient<T>(values: { target?: string } & SecurityFlags, io: Io, fn: (client: FunctionClient) => Promise<T>): Promise<T> {
  // Loaded on first use: grpc-js and the proto are most of a client command's start-up.
  const { FunctionClient } = await import('../client/function-client.js');
  const client = new FunctionClient(targetOf(values, io.env), {}, clientSecurity(values, io.env));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * Fetches one page, or with `all` every page by following next_start_after. Returns the items and
 * whether the server has more beyond them.
 */
export async function collectPages<T>(all: boolean | undefined, fetch: (startAfter: string) => Promise<{ items: T[]; hasMore: boolean; nextStartAfter: string }>): Promise<{ items: T[]; hasMore: boolean }> {
  const items: T[] = [];
  let hasMore = false;
  let startAfter = '';
  do {
    const page = await fetch(startAfter);
    items.push(...page.items);
    hasMore = page.hasMore;
    startAfter = page.nextStartAfter;
  } while (all && hasMore && startAfter !== '');
  return { items, hasMore };
}
