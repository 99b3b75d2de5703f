/**
 * docs/reference/cli.md against the CLI itself: every command in `spearlet --help` and every flag in each
 * command's `--help` appears on the page.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const doc = fs.readFileSync(`${ROOT}docs/reference/cli.md`, 'utf8');
const help = (...args: string[]) => execFileSync(process.execPath, ['bin/spearlet.js', ...args], { cwd: ROOT, encoding: 'utf8' });

describe('docs/reference/cli.md', () => {
  it('names every command', () => {
    for (const c of COMMANDS) expect(doc, c.name).toMatch(new RegExp(`### ${c.name}\\b|### [a-z, ]*\\b${c.name}\\b`));
    expect(help('--help')).toContain('--version');
  });

  it("names every flag of every client command's --help", async () => {
    for (const c of COMMANDS.filter((x) => x.name !== 'serve' && x.name !== 'conformance')) {
      const flags = new Set(help(c.name, '--help').match(/--[a-z][a-z-]+/g) ?? []);
      for (const flag of flags) expect(doc, `${c.name} ${flag}`).toContain(`\`${flag}`);
    }
  });
});
