import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/conformance/manifest.js';
import { interpolate } from '../../../src/conformance/vars.js';

const MANIFEST = fileURLToPath(new URL('../../../fixtures/manifest/', import.meta.url));

async function manifestOf(cases: unknown[]): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-manifest-'));
  const file = path.join(dir, 'm.json');
  await fs.writeFile(file, JSON.stringify({ cases }));
  return file;
}

describe('conformance manifest', () => {
  it('the shipped manifest loads and every case has a unique name', async () => {
    const cases = await loadManifest(MANIFEST);
    expect(cases.length).toBeGreaterThan(50);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('a one-step case is its own step; steps keep their kinds', async () => {
    const [one, multi] = await loadManifest(
      await manifestOf([
        { name: 'one', artifact: { type: 'javascript', source: 'export default () => 1' }, expect: { status: 'COMPLETED', result: 1 } },
        { name: 'multi', steps: [{ rpc: 'GetHealth' }, { sleep: 5 }, { wait: '${e}' }] },
      ]),
    );
    expect(one.steps).toMatchObject([{ kind: 'invoke', expect: { result: 1 } }]);
    expect(multi.steps.map((s) => s.kind)).toEqual(['rpc', 'sleep', 'wait']);
  });

  it.each([
    [{ name: 'x', artifact: { type: 'js', fixture: 'a.js' }, expct: {} }, /cases\[0\] \(x\)\.expct: unknown field/],
    [{ name: 'x', rpc: 'GetHealthh' }, /rpc: must be one of/],
    [{ name: 'x', task: 't', expect: { status: 'DONE' } }, /expect\.status: must be one of/],
    [{ name: 'x', task: 't', expect: { grpcCode: 'NOPE' } }, /grpcCode: 'NOPE' is not a gRPC error status/],
    [{ name: 'x', task: 't', expect: { message: 'm' } }, /message: applies to refusals only/],
    [{ name: 'x', artifact: { type: 'js' } }, /needs exactly one of fixture, source or location/],
    [{ name: 'x', steps: [] }, /steps: must be a non-empty list/],
    [{ name: 'x', task: 't', steps: [{ rpc: 'GetHealth' }] }, /move task into a step/],
    [{ name: 'x', task: 't', cancelAfterChunks: 1 }, /applies to mode STREAM only/],
  ])('refuses %j naming the path', async (kase, message) => {
    await expect(loadManifest(await manifestOf([kase]))).rejects.toThrow(message);
  });

  it('refuses duplicate case names', async () => {
    await expect(loadManifest(await manifestOf([{ name: 'a', task: 't' }, { name: 'a', task: 't' }]))).rejects.toThrow(/'a' is already a case/);
  });
});

describe('case variables', () => {
  it('replace ${name} in strings, keeping the type of a whole-string reference', () => {
    const vars = new Map<string, unknown>([['t', 'task-1'], ['n', 3]]);
    expect(interpolate({ a: 'id ${t}', b: '${n}', c: ['${t}'] }, vars)).toEqual({ a: 'id task-1', b: 3, c: ['task-1'] });
    expect(() => interpolate('${nope}', vars)).toThrow(/\$\{nope\} is not set/);
  });
});
