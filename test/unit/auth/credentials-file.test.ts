import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCredentials } from '../../../src/auth/credentials-file.js';

const digest = (t: string) => createHash('sha256').update(t).digest('hex');
const parse = (doc: unknown) => parseCredentials(JSON.stringify(doc), 'auth.json');

describe('credentials file', () => {
  it('reads tokens, certificate identities and tenant quotas', () => {
    const c = parse({
      tokens: [{ sha256: digest('s3cret').toUpperCase(), tenant: 'acme', role: 'invoke', name: 'ci' }],
      certificates: [{ cn: 'worker', tenant: 'acme', role: 'admin' }],
      tenants: { acme: { max_concurrent: 2, cpu_ms_per_minute: 1000 } },
    });
    expect(c.tokens[0]).toMatchObject({ tenant: 'acme', role: 'invoke', name: 'ci' });
    expect(c.tokens[0].digest.toString('hex')).toBe(digest('s3cret'));
    expect(c.certificates[0]).toMatchObject({ cn: 'worker', name: 'cn worker' });
    expect(c.tenants.get('acme')).toEqual({ maxConcurrent: 2, cpuMsPerMinute: 1000 });
  });

  it('names the file and the field of every mistake', () => {
    expect(() => parseCredentials('{', 'auth.json')).toThrow(/authFile auth.json: \(file\): not valid JSON/);
    expect(() => parse({ token: [] })).toThrow(/authFile auth.json: token: unknown key \(allowed: tokens, certificates, tenants\)/);
    expect(() => parse({ tokens: [{ sha256: 'abc', tenant: 'a', role: 'invoke' }] })).toThrow(/tokens\[0\]\.sha256: must be the 64 hex digits/);
    expect(() => parse({ tokens: [{ sha256: digest('x'), tenant: 'a:b', role: 'invoke' }] })).toThrow(/tokens\[0\]\.tenant: must be 1-128 characters/);
    expect(() => parse({ tokens: [{ sha256: digest('x'), role: 'invoke' }] })).toThrow(/tokens\[0\]\.tenant: must be a non-empty string/);
    expect(() => parse({ certificates: [{ cn: 'a', san: 'DNS:a', tenant: 'a', role: 'invoke' }] })).toThrow(/certificates\[0\]: needs exactly one of cn, san/);
    expect(() => parse({ tenants: { a: { max_concurrent: -1 } } })).toThrow(/tenants\.a\.max_concurrent: must be an integer >= 0/);
    expect(() => parse({ tenants: { a: { max_cpu: 1 } } })).toThrow(/tenants\.a\.max_cpu: unknown key/);
  });
});
