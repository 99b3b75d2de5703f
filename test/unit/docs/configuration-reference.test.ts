/**
 * docs/reference/configuration.md against the code: every `spearlet serve` flag is documented
 * there, and the page names no flag the server does not take.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVE_FLAGS } from '../../../src/cli/serve-options.js';

const PAGE = fs.readFileSync(new URL('../../../docs/reference/configuration.md', import.meta.url), 'utf8');
const documented = new Set([...PAGE.matchAll(/`--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));

describe('configuration reference', () => {
  it('documents every serve flag', () => {
    expect(SERVE_FLAGS.filter((f) => !documented.has(f))).toEqual([]);
  });

  it('names no flag the server does not take', () => {
    expect([...documented].filter((f) => !SERVE_FLAGS.includes(f))).toEqual([]);
  });
});
