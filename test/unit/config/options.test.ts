/**
 * The option definitions themselves: every Config option has one, each default passes its own
 * schema, and each flag reads the environment variable the help and the reference name.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { DEFAULTS, OPTIONS, SERVE_FLAGS, WITHOUT_DEFAULT } from '../../../src/config/options.js';
import { serveOptions } from '../../../src/cli/serve-options.js';

describe('option definitions', () => {
  it('cover every option of the resolved Config, each once', () => {
    const derived = ['egressPatterns', 'egressHosts', 'secretsKey'];
    const keys = OPTIONS.map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(resolveConfig({})).filter((k) => !derived.includes(k) && !keys.includes(k as never))).toEqual([]);
    expect(new Set(SERVE_FLAGS).size).toBe(SERVE_FLAGS.length);
  });

  it('have defaults their own schemas accept, and say which have none', () => {
    for (const o of OPTIONS) if (o.default !== undefined) expect(o.schema.safeParse(o.default).success, o.key).toBe(true);
    expect(OPTIONS.filter((o) => o.default === undefined).map((o) => o.key)).toEqual([...WITHOUT_DEFAULT]);
    expect(DEFAULTS.workerNice).toBe(10);
  });

  it('read SPEARLET_ + the flag in upper snake case', () => {
    for (const o of OPTIONS.filter((x) => x.flag !== undefined)) {
      expect(o.env, o.key).toBe(`SPEARLET_${o.flag!.toUpperCase().replace(/-/g, '_')}`);
      const raw = o.kind === 'bool' ? 'true' : o.kind === 'int' ? '1' : o.kind === 'duration' ? '10s' : 'v';
      expect(Object.keys(serveOptions([], { [o.env]: raw })), o.env).toEqual([o.key]);
    }
  });
});
