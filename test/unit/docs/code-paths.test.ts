/**
 * Every path of the repository that the README, CONTRIBUTING and docs/ name in backticks
 * (`src/core/…`, `runtimes/…`, `bench/…`) exists, so a reader following the docs to the code
 * never lands on a file that moved.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const pages = ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...(fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true }) as string[]).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
const TOP = '(?:src|runtimes|bench|test|scripts|proto|fixtures|docs|deploy|bin)';
const PATH = new RegExp(`^${TOP}/[\\w.@/-]*$`);

/** Backticked spans that are paths of this repository (no globs, placeholders or commands). */
function namedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const [, span] of text.matchAll(/`([^`\n]+)`/g)) {
    const candidate = span.trim().replace(/[:#].*$/, '').replace(/\/$/, '');
    if (PATH.test(candidate) && !candidate.includes('..')) out.add(candidate);
  }
  return [...out];
}

describe('code paths named in the documentation', () => {
  it('reads the paths the README names (the table of where the code is)', () => {
    expect(namedPaths(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'))).toContain('src/errors.ts');
  });

  it.each(pages)('%s names only paths that exist', (page) => {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    const missing = namedPaths(text).filter((p) => !fs.existsSync(path.join(ROOT, p)) && !fs.existsSync(path.join(ROOT, `${p}.ts`)));
    expect(missing).toEqual([]);
  });
});
