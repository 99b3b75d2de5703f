/**
 * What `spearlet serve` says about a bad option: the name the user set (flag, environment variable,
 * or both and which won), the text they gave, the stable code INVALID_CONFIG.
 */
import { describe, expect, it } from 'vitest';
import { readServeOptions } from '../../../src/cli/serve-options.js';
import { type Config, resolveConfig } from '../../../src/config.js';

/** The Config `spearlet serve` would build from these flags and variables, or its refusal. */
function serve(argv: string[], env: Record<string, string> = {}): Config {
  const { input, origins } = readServeOptions(argv, env);
  return resolveConfig(input, origins);
}

function refusal(fn: () => unknown): { code?: string; field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; field?: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('configuration messages', () => {
  it('name the flag the user set, and the text given', () => {
    const err = refusal(() => serve(['--worker-nice', 'x']));
    expect(err).toMatchObject({ code: 'INVALID_CONFIG', field: 'workerNice', message: '--worker-nice: must be an integer from 0 to 19 (got "x")' });
    expect(refusal(() => serve(['--log-level', 'loud'])).message).toBe('--log-level: must be one of trace, debug, info, warn, error, fatal, silent (got "loud")');
    expect(refusal(() => serve(['--listen', 'nowhere'])).message).toBe('--listen: must be HOST:PORT (got "nowhere")');
    expect(refusal(() => serve(['--execution-retention', '500ms'])).message).toBe(
      '--execution-retention: must be 0 (keeps them) or a duration of at least 1s, such as 7d, 12h, 30m, 10s or 500ms (got "500ms")',
    );
  });

  it('name the environment variable when the value came from there', () => {
    const err = refusal(() => serve([], { SPEARLET_MAX_QUEUE_LENGTH: '-1' }));
    expect(err).toMatchObject({ code: 'INVALID_CONFIG', message: 'SPEARLET_MAX_QUEUE_LENGTH: must be an integer of at least 0 (got "-1")' });
    expect(refusal(() => serve([], { SPEARLET_REFLECTION: 'nah' })).message).toBe('SPEARLET_REFLECTION: must be true or false (or 1 or 0) (got "nah")');
    expect(refusal(() => serve([], { SPEARLET_EXECUTION_RETENTION: 'a week' })).message).toBe('SPEARLET_EXECUTION_RETENTION: must be a duration such as 7d, 12h, 30m, 10s or 0 (got "a week")');
  });

  it('say that the flag wins when both are set, as it does', () => {
    const err = refusal(() => serve(['--max-queue-length', 'y'], { SPEARLET_MAX_QUEUE_LENGTH: '5' }));
    expect(err.message).toBe('--max-queue-length: must be an integer of at least 0 (got "y"; the flag wins over SPEARLET_MAX_QUEUE_LENGTH="5")');
    expect(serve(['--max-queue-length', '7'], { SPEARLET_MAX_QUEUE_LENGTH: '5' }).maxQueueLength).toBe(7);
    expect(serve([], { SPEARLET_MAX_QUEUE_LENGTH: '5' }).maxQueueLength).toBe(5);
  });

  it('suggest the flag closest to an unknown one', () => {
    expect(refusal(() => serve(['--worker-nic', '3']))).toMatchObject({ code: 'INVALID_CONFIG', message: "Unknown option '--worker-nic'; did you mean '--worker-nice'?" });
    expect(refusal(() => serve(['--zzz'])).message).toBe("Unknown option '--zzz'");
  });

  it('name the flags in checks across options', () => {
    expect(refusal(() => serve(['--tls-cert', 'c.pem'])).message).toBe('--tls-key: --tls-cert and --tls-key go together');
    expect(refusal(() => serve([], { SPEARLET_TLS_KEY: 'k.pem' })).message).toBe('--tls-cert: --tls-cert and SPEARLET_TLS_KEY go together');
    expect(refusal(() => serve(['--listen', '0.0.0.0:0'])).message).toBe(
      '--listen: 0.0.0.0:0 is not a loopback address: serve it with --tls-cert, --tls-key and --auth-file, or pass --insecure',
    );
    expect(refusal(() => serve(['--default-timeout-ms', '5000'], { SPEARLET_MAX_TIMEOUT_MS: '1000' })).message).toBe(
      '--default-timeout-ms: must not exceed SPEARLET_MAX_TIMEOUT_MS (1000) (got "5000")',
    );
    expect(serve(['--listen', '0.0.0.0:0', '--insecure']).listen).toBe('0.0.0.0:0');
  });

  it('name the Config key for input a program built', () => {
    expect(refusal(() => resolveConfig({ workerNice: 20 })).message).toBe('workerNice: must be an integer from 0 to 19 (got 20)');
    expect(refusal(() => resolveConfig({ tlsCert: 'c.pem' })).message).toBe('tlsKey: tlsCert and tlsKey go together');
    expect(refusal(() => resolveConfig({ artifactRoots: ['a', ' '] })).message).toMatch(/^artifactRoots\[1\]: must not be empty/);
  });

  it('never show the secrets key', () => {
    expect(refusal(() => resolveConfig({ secretsKey: 42 as never })).message).toBe('secretsKey: must be a string');
    expect(serve([], { SPEARLET_SECRETS_KEY: ' k ' }).secretsKey).toBe('k');
    expect(refusal(() => resolveConfig({ egressHosts: { a: 'zz' } })).message).toBe("egressHosts.a: must be an IPv4 or IPv6 address, got 'zz'");
  });
});
