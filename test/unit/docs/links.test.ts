/**
 * Every relative link in the README, CONTRIBUTING and docs/ points at a file of the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const pages = ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...(fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true }) as string[]).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];

describe('documentation links', () => {
  it.each(pages)('%s links only to files that exist', (page) => {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
      const file = target.split('#')[0];
      if (!fs.existsSync(path.resolve(ROOT, path.dirname(page), file))) broken.push(target);
    }
    expect(broken).toEqual([]);
  });
});
