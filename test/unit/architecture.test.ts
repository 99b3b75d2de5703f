/**
 * The architecture of src/core (.dependency-cruiser.cjs): each concept group imports only the
 * groups below it, no cycle crosses a group, and src/core never imports the server, the HTTP
 * trigger or the CLI. `npm run check:deps` prints the same report.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function violationsIn(baseDir: string): Promise<{ violations: string[]; modules: string[] }> {
  const options: ICruiseOptions = { ...(await extractDepcruiseOptions(path.join(ROOT, '.dependency-cruiser.cjs'))), baseDir, validate: true };
  const { output } = await cruise(['src'], options);
  const result = output as ICruiseResult;
  const describe = (v: IViolation) =>
    `${v.rule.name}: ${v.from} → ${v.cycle?.length ? v.cycle.map((step) => step.name).join(' → ') : v.to}`;
  return { violations: result.summary.violations.map(describe), modules: result.modules.map((m) => m.source) };
}

describe('src/core architecture', () => {
  it('has no dependency violations', async () => {
    const { violations, modules } = await violationsIn(ROOT);
    // The cruise saw the groups (an empty cruise would pass vacuously).
    expect(modules).toContain('src/core/execution/execution-manager.ts');
    expect(modules).toContain('src/core/values/codec.ts');
    expect(violations, `dependency violations:\n${violations.join('\n')}`).toEqual([]);
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-architecture-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('names an upward import, a cycle across groups and an import of the server', async () => {
    const files: Record<string, string> = {
      'src/core/tasks/registry.ts': "import type { Pool } from '../pool/pool.js';\nexport type Registry = { pool?: Pool };\n",
      'src/core/pool/pool.ts': "import type { Registry } from '../tasks/registry.js';\nexport type Pool = { registry?: Registry };\n",
      'src/core/values/codec.ts': "import { serve } from '../../server/serve.js';\nexport const codec = serve;\n",
      'src/server/serve.ts': 'export const serve = 1;\n',
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.writeFileSync(path.join(tmp, file), text);
    }
    fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(tmp, 'tsconfig.json'));
    const { violations } = await violationsIn(tmp);
    expect(violations).toEqual(
      expect.arrayContaining([
        'core-tasks-imports-down: src/core/tasks/registry.ts → src/core/pool/pool.ts',
        // Reported once, from whichever end the cruise met first.
        expect.stringMatching(/^core-no-cycles: src\/core\/(tasks\/registry|pool\/pool)\.ts → src\/core\/(pool\/pool|tasks\/registry)\.ts → /),
        'core-not-edges: src/core/values/codec.ts → src/server/serve.ts',
      ]),
    );
  });
});
