/**
 * V8 runtime: artifact analysis at task creation, and registration with the RuntimeManager.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../src/config.js';
import { RuntimeManager } from '../../../../src/core/runtime/runtime-manager.js';
import { ErrorCodes, SpearletError } from '../../../../src/errors.js';
import { setup } from '../../../../runtimes/v8-isolate/index.js';
import { bytesOf, jsonOf, MB, newRuntime, run } from './helpers.js';
import { analyze } from '../run-call.js';

const runtime = newRuntime({ topLevelTimeoutMs: 300 });
afterAll(() => runtime.close());

async function analysisError(source: string | Uint8Array): Promise<SpearletError> {
  const code = typeof source === 'string' ? bytesOf(source) : source;
  const err = await analyze(runtime, code, { memoryLimitMb: MB }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpearletError);
  return err as SpearletError;
}

describe('setup', () => {
  it('registers v8-isolate for javascript, js, v8 and isolate', async () => {
    const manager = new RuntimeManager();
    setup(manager, resolveConfig({ prewarmIsolates: 0 }));
    for (const type of ['javascript', 'JS', 'v8', 'isolate']) expect(manager.forArtifactType(type).name).toBe('v8-isolate');
    await manager.close();
  });
});

describe('prepare', () => {
  it('gives back the analysis and a ready instance from one load of the module', async () => {
    const code = bytesOf('let calls = 0;\nexport default function handler() { return ++calls; }\n');
    const { analysis, instance } = await runtime.prepare({ taskId: 't', digest: 'prepare-1', code, limits: { memoryLimitMb: MB } });
    expect(analysis.defaultExport).toBe('default');
    expect(jsonOf((await run(instance, '')).outcome)).toBe(1);
    expect(jsonOf((await run(instance, '')).outcome)).toBe(2);
    instance.dispose();
  });

  it('leaves nothing running when it refuses the artifact', async () => {
    const before = runtime.liveInstances;
    await analysisError('export default 1;\nthrow new Error("top-level failure");\n');
    expect(runtime.liveInstances).toBe(before);
  });
});

describe('analyze', () => {
  it('lists exported functions and generators, sync and async', async () => {
    const analysis = await analyze(runtime, 
      bytesOf(`
        export function plain() {}
        export async function later() {}
        export function* gen() {}
        export async function* agen() {}
        export const arrow = () => 1;
        export const notAFunction = 42;
        export class NotCallable {}
      `),
      { memoryLimitMb: MB },
    );
    const byName = Object.fromEntries(analysis.exports.map((e) => [e.name, e.kind]));
    expect(byName).toEqual({ plain: 'function', later: 'function', gen: 'generator', agen: 'generator', arrow: 'function' });
    expect(analysis.defaultExport).toBeUndefined();
  });

  it('picks the default export when it is a function, else handler', async () => {
    const withDefault = await analyze(runtime, bytesOf('export default function () {}\nexport function handler() {}'), { memoryLimitMb: MB });
    expect(withDefault.defaultExport).toBe('default');
    const withHandler = await analyze(runtime, bytesOf('export default 5;\nexport async function handler() {}'), { memoryLimitMb: MB });
    expect(withHandler.defaultExport).toBe('handler');
    expect(withHandler.exports.map((e) => e.name)).toEqual(['handler']);
  });

  it('reports a syntax error with line and column', async () => {
    const err = await analysisError('export function ok() {}\nexport function broken( {\n  return 1;\n}\n');
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toMatch(/^SyntaxError: .+ \(line \d+, column \d+\)$/);
    const redeclared = await analysisError('let x = 1;\n  let x = 2;\n');
    expect(redeclared.message).toBe("SyntaxError: Identifier 'x' has already been declared (line 2, column 7)");
  });

  it('refuses a module with imports, naming the specifier', async () => {
    const err = await analysisError("import fs from 'node:fs';\nexport default () => fs;\n");
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toContain("'node:fs'");
    const reexport = await analysisError("export * from './other.js';\n");
    expect(reexport.message).toContain("'./other.js'");
  });

  it('refuses top-level code that loops forever, within the top-level time limit', async () => {
    const started = Date.now();
    const err = await analysisError('while (true) {}\nexport default () => 1;\n');
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toBe('top-level code did not finish within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('loads a module whose top-level code outlasts the quick path on the calling thread, once', async () => {
    // Past SYNC_TOP_LEVEL_MS the load starts over in a fresh isolate on isolated-vm's thread.
    const source = `let loads = 0;\nloads += 1;\nconst end = Date.now() + 30;\nwhile (Date.now() < end) {}\nexport default () => loads;\n`;
    const spec = { taskId: 'slow-top', digest: 'slow-top', code: bytesOf(source), limits: { memoryLimitMb: MB } };
    const { analysis, instance } = await runtime.prepare(spec);
    try {
      expect(analysis.defaultExport).toBe('default');
      const { outcome } = await run(instance, '');
      expect(jsonOf(outcome)).toBe(1);
    } finally {
      instance.dispose();
    }
  });

  it('refuses top-level code that throws, with the error', async () => {
    const err = await analysisError("throw new TypeError('no config');\n");
    expect(err.message).toBe('top-level code threw TypeError: no config');
  });

  it('refuses an exported Proxy whose traps do not return, and the runtime goes on', async () => {
    const err = await analysisError('export default new Proxy(function () {}, { getPrototypeOf() { for (;;); } });\n');
    expect(err.code).toBe('INVALID_ARTIFACT');
    expect(err.message).toMatch(/describing the module's exports did not finish within 50 ms/);
    const ok = await analyze(runtime, bytesOf('export default () => 1;'), { memoryLimitMb: MB });
    expect(ok.defaultExport).toBe('default');
  });

  it('accepts top-level await that settles, refuses one that does not', async () => {
    const ok = await analyze(runtime, bytesOf('const v = await Promise.resolve(2);\nexport default () => v;\n'), { memoryLimitMb: MB });
    expect(ok.defaultExport).toBe('default');
    const err = await analysisError('await new Promise(() => {});\nexport default () => 1;\n');
    expect(err.message).toMatch(/top-level await did not settle/);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const err = await analysisError(new Uint8Array([0x65, 0x78, 0xff, 0xfe, 0x00]));
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toMatch(/UTF-8/);
  });

  it('refuses top-level code over the memory limit', async () => {
    const err = await analysisError('const keep = [];\nwhile (true) keep.push(new ArrayBuffer(16 * 1024 * 1024));\n');
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
  });
});
