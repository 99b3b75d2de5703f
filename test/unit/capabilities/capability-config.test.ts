import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { serveOptions } from '../../../src/cli/serve-options.js';
import { loadSecretsKey } from '../../../src/capabilities/secret-store.js';

describe('capability config', () => {
  it('denies all egress by default and fills the caps', () => {
    const c = resolveConfig({});
    expect(c.egressAllow).toEqual([]);
    expect(c.egressMaxRequests).toBe(50);
    expect(c.kvMaxTaskBytes).toBe(64 * 1024 * 1024);
  });

  it('keeps the secrets key out of JSON, logs and the config sent to sandbox workers', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const c = resolveConfig({ secretsKey: key });
    expect(c.secretsKey).toBe(key);
    expect(JSON.stringify(c)).not.toContain(key);
    expect((structuredClone(c) as { secretsKey?: string }).secretsKey).toBeUndefined();
    expect(loadSecretsKey(c)).toEqual(Buffer.alloc(32, 1));
  });

  it('reads the key from SPEARLET_SECRETS_KEY only, and the egress flags', () => {
    const input = serveOptions(['--egress-allow', 'a.test', '--egress-allow', '*.b.test:8080', '--kv-max-value-bytes', '10'], { SPEARLET_SECRETS_KEY: 'k' });
    expect(input).toMatchObject({ egressAllow: ['a.test', '*.b.test:8080'], kvMaxValueBytes: 10, secretsKey: 'k' });
    expect(() => serveOptions(['--secrets-key', 'k'], {})).toThrow();
  });

  it('refuses a key of the wrong size, naming the field', () => {
    expect(() => loadSecretsKey({ secretsKey: 'c2hvcnQ=', secretsKeyFile: undefined })).toThrow(/secretsKey: the secrets key must be 32 bytes/);
    expect(() => resolveConfig({ kvMaxKeyBytes: 0 })).toThrow(/kvMaxKeyBytes: must be an integer from 1/);
  });
});
