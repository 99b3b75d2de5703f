/**
 * src/generated is produced by `npm run gen:proto` and never edited by hand: regenerating it from
 * proto/spearlet/function.proto must give the committed files byte for byte.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

it('src/generated matches what gen:proto makes from the proto', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-gen-'));
  const script = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts['gen:proto'] as string;
  const args = script.split(' ').slice(1).map((a) => (a.startsWith('--outDir=') ? `--outDir=${out}` : a));
  execFileSync(path.join(ROOT, 'node_modules/.bin/proto-loader-gen-types'), args, { cwd: ROOT, stdio: 'pipe' });
  const committed = path.join(ROOT, 'src/generated');
  expect(files(out)).toEqual(files(committed));
  for (const f of files(out)) expect(fs.readFileSync(path.join(out, f), 'utf8'), f).toBe(fs.readFileSync(path.join(committed, f), 'utf8'));
  fs.rmSync(out, { recursive: true, force: true });
});
