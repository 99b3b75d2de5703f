/**
 * docs/reference/configuration.md is generated from the option definitions (`npm run gen:docs`):
 * the committed page must be exactly what the code makes, so a changed option without a
 * regenerated page fails here.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationReference } from '../../../src/config/reference.js';
import { OPTIONS } from '../../../src/config/options.js';

const PAGE = fs.readFileSync(new URL('../../../docs/reference/configuration.md', import.meta.url), 'utf8');

describe('configuration reference', () => {
  it('is what `npm run gen:docs` makes from the option definitions', () => {
    expect(PAGE, 'docs/reference/configuration.md is stale: run npm run gen:docs').toBe(configurationReference());
  });

  it('has a row with the flag, variable, default and range of every option', () => {
    for (const o of OPTIONS) expect(PAGE, o.key).toContain(`| \`${o.env}\` |`);
    expect(PAGE).toContain('| `--worker-nice N` | `SPEARLET_WORKER_NICE` | 10 | 0 to 19 |');
    expect(PAGE).toContain('| `--sandbox-workers N` | `SPEARLET_SANDBOX_WORKERS` | one per core, up to 8 | 1 to 256 |');
  });
});
