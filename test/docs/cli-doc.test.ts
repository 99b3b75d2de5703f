/**
 * docs/reference/cli.md against the CLI itself: every command in `spearlet --help` and every flag in each
 * command's `--help` appears on the page; `serve`'s flags are on the configuration reference it links.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const doc = fs.readFileSync(`${ROOT}docs/reference/cli.md`, 'utf8');
const configuration = fs.readFileSync(`${ROOT}docs/reference/configuration.md`, 'utf8');
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

  it("names every flag of serve's --help on the configuration reference, and shows its real messages", () => {
    expect(doc).toContain('](configuration.md)');
    const flags = new Set((help('serve', '--help').match(/--[a-z][a-z-]+/g) ?? []).filter((f) => f !== '--help'));
    expect(flags.size).toBeGreaterThan(50);
    for (const flag of flags) expect(configuration, `serve ${flag}`).toContain(`\`${flag}`);
    let ran = 0;
    for (const [, command, output] of doc.matchAll(/^\$ (spearlet serve [^\n]*)\n([^\n]+)$/gm)) {
      const run = spawnSync(process.execPath, ['bin/spearlet.js', ...command.split(' ').slice(1)], { cwd: ROOT, encoding: 'utf8' });
      expect(run.status, command).toBe(2);
      expect(run.stderr.split('\n')[0], command).toBe(output);
      ran++;
    }
    expect(ran).toBe(2);
  });
});
