/**
 * TypeScript and multi-module (js-modules) artifacts compiled on the server: they run, their
 * errors point into the sources, and imports that cannot resolve inside the artifact are refused
 * with a message that says to bundle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, dataUri, params, startTestServer, valueOf } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

const spec = (artifactType: string, source: string) => ({ artifactType, location: dataUri(source) });
const modules = (entry: string, files: Record<string, string>) => JSON.stringify({ entry, modules: files });

describe('server-side TypeScript and js-modules artifacts', () => {
  it('runs a TypeScript artifact (types erased)', async () => {
    const src = 'interface P { a: number; b: number }\nexport function add({ a, b }: P): number { return a + b; }\nexport default (p: unknown): string => "ts";\n';
    const res = await t.client.invoke({ taskName: 'ts-add', artifactSpec: spec('typescript', src), functionName: 'add', parameters: params({ a: 2, b: 3 }) });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe(5);
    const short = await t.client.deployTask({ taskName: 'ts-short', artifactSpec: spec('ts', src) });
    expect(short.task?.metadata.exports).toBe('add,default');
  });

  it('a TypeScript syntax error is INVALID_ARGUMENT with its line and column in the TypeScript source', async () => {
    const src = 'export function f(x: number): number {\n  const y: number = x +;\n  return y;\n}\n';
    await expect(t.client.deployTask({ taskName: 'ts-bad', artifactSpec: spec('typescript', src) })).rejects.toMatchObject({
      code: 3,
      details: 'artifact_spec.location: TypeScript syntax error: Unexpected ";" (line 2, column 24)',
    });
    expect((await t.client.listTasks({ prefix: 'ts-bad' })).tasks).toHaveLength(0);
  });

  it('a js-modules artifact lets modules import each other, TypeScript and JSON included', async () => {
    const doc = modules('index.ts', {
      'index.ts': "import { shout } from './lib/text.js';\nimport { twice } from './lib/math.ts';\nimport data from './data.json';\nexport default ({ s }: { s: string }) => `${shout(s)} ${twice(data.n)}`;\n",
      'lib/text.js': "import { suffix } from '../suffix.js';\nexport const shout = (s) => s.toUpperCase() + suffix;\n",
      'lib/math.ts': 'export const twice = (n: number): number => n * 2;\n',
      'suffix.js': "export const suffix = '!';\n",
      'data.json': '{"n": 21}',
    });
    const res = await t.client.invoke({ taskName: 'mods', artifactSpec: spec('js-modules', doc), parameters: params({ s: 'hi' }) });
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    expect(valueOf(res.result?.result)).toBe('HI! 42');
  });

  it('bare specifiers and missing modules are refused, naming what to do', async () => {
    await expect(t.client.deployTask({ taskName: 'm1', artifactSpec: spec('js-modules', modules('a.js', { 'a.js': "import _ from 'lodash';\nexport default () => _;\n" })) })).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(/import of 'lodash' is not supported: only relative imports of modules in the artifact resolve; bundle packages into the artifact first .*\(a\.js, line 1, column 15\)/),
    });
    await expect(t.client.deployTask({ taskName: 'm2', artifactSpec: spec('js-modules', modules('a.js', { 'a.js': "import { x } from './b.js';\nexport default () => x;\n" })) })).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining("'./b.js' imported by 'a.js' is not a module of the artifact"),
    });
    await expect(t.client.deployTask({ taskName: 'm3', artifactSpec: spec('js-modules', '{"modules": {}}') })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('needs "entry"') });
    await expect(t.client.deployTask({ taskName: 'm4', artifactSpec: spec('js-modules', modules('../x.js', { '../x.js': '' })) })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('paths are relative, inside the artifact') });
    // A plain JavaScript artifact with an import says how to bundle.
    await expect(t.client.deployTask({ taskName: 'm5', artifactSpec: spec('javascript', "import { x } from './b.js';\nexport default () => x;\n") })).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('bundle it first (spearlet deploy FILE does, with esbuild) or send the modules as a js-modules artifact'),
    });
  });
});

describe('compiled artifact types are registered types', () => {
  it('health and the unknown-type error list them', async () => {
    const health = await t.client.getHealth({ includeDetails: true });
    expect(health.details?.systemInfo.artifact_types.split(',')).toEqual(expect.arrayContaining(['typescript', 'ts', 'js-modules', 'modules', 'javascript']));
    await expect(t.client.deployTask({ taskName: 'x', artifactSpec: spec('tsx', 'x') })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('js-modules, modules, ts, typescript') });
  });
});
