/** `spearlet serve --help` is made from the option definitions: every flag, its default and range. */
import { describe, expect, it } from 'vitest';
import { serveHelp } from '../../../src/config/help.js';
import { OPTIONS } from '../../../src/config/options.js';

describe('spearlet serve --help', () => {
  const help = serveHelp();

  it('lists every flag and environment-only variable', () => {
    for (const o of OPTIONS) expect(help, o.key).toContain(o.flag === undefined ? o.env : `--${o.flag}`);
  });

  it('gives defaults and ranges in the entry', () => {
    const flat = help.replace(/\s+/g, ' ');
    expect(flat).toContain("--worker-nice N CPU niceness of sandbox workers: guest code yields the CPU to the server's own work [default 10; 0 to 19]");
    expect(flat).toContain('--max-artifact-bytes N artifact size cap [default 16 MiB; ≥ 1]');
    expect(flat).toContain('--log-level LEVEL logs are JSON lines, pretty-printed when stdout is a terminal [default info; trace, debug, info, warn, error, fatal, silent]');
    expect(flat).toContain('SPEARLET_SECRETS_KEY the secrets key itself, base64 or hex (instead of --secrets-key-file) [default off; environment only]');
  });

  it('keeps every line within 100 columns', () => {
    expect(help.split('\n').filter((l) => l.length > 100)).toEqual([]);
  });
});
