/**
 * Wasm runtime: validation and export listing at task creation (analyze), and the refusals that
 * must happen before anything runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, SpearletError } from '../../../../src/errors.js';
import { setup } from '../../../../runtimes/wasm/index.js';
import { RuntimeManager } from '../../../../src/core/runtime/runtime-manager.js';
import { resolveConfig } from '../../../../src/config.js';
import { MB, fixture, instanceOf, newRuntime } from './helpers.js';
import { analyze } from '../run-call.js';

const runtime = newRuntime();
afterAll(() => runtime.close());

async function refusal(promise: Promise<unknown>): Promise<SpearletError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpearletError);
  return err as SpearletError;
}

describe('setup', () => {
  it('registers the wasm runtime for wasm and webassembly', () => {
    const manager = new RuntimeManager();
    setup(manager, resolveConfig({}));
    expect(manager.forArtifactType('WASM').name).toBe('wasm');
    expect(manager.forArtifactType('webassembly').name).toBe('wasm');
  });
});

describe('analyze', () => {
  it('lists core exports with their Wasm signatures and no default', async () => {
    const analysis = await analyze(runtime, fixture('add.wasm'), { memoryLimitMb: MB });
    expect(analysis.defaultExport).toBeUndefined();
    expect(analysis.exports).toEqual([
      { name: 'add', kind: 'wasm-function', params: ['i32', 'i32'], results: ['i32'] },
      { name: 'inc', kind: 'wasm-function', params: [], results: ['i32'] },
      { name: 'swap', kind: 'wasm-function', params: ['i32', 'i32'], results: ['i32', 'i32'] },
      { name: 'noop', kind: 'wasm-function', params: [], results: [] },
    ]);
  });

  it('reports i64 and float types', async () => {
    const i64 = await analyze(runtime, fixture('i64.wasm'), { memoryLimitMb: MB });
    expect(i64.exports).toContainEqual({ name: 'add32to64', kind: 'wasm-function', params: ['i32', 'i64'], results: ['i64'] });
    const f64 = await analyze(runtime, fixture('f64.wasm'), { memoryLimitMb: MB });
    expect(f64.exports).toContainEqual({ name: 'half32', kind: 'wasm-function', params: ['f32'], results: ['f32'] });
  });

  it.each(['wasi-echo.wasm', 'wasi-echo-c.wasm', 'wasi-fs.wasm'])('%s is a WASI command with _start as default', async (name) => {
    const analysis = await analyze(runtime, fixture(name), { memoryLimitMb: MB });
    expect(analysis.defaultExport).toBe('_start');
    expect(analysis.exports).toEqual([{ name: '_start', kind: 'wasi-command' }]);
  });

  it('refuses bytes that are not a module with the validator message', async () => {
    const err = await refusal(analyze(runtime, fixture('garbage.wasm'), { memoryLimitMb: MB }));
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toMatch(/not a valid WebAssembly module: .*expected magic word 00 61 73 6d/);
  });

  it('refuses a truncated module', async () => {
    const err = await refusal(analyze(runtime, fixture('add.wasm').subarray(0, 40), { memoryLimitMb: MB }));
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
  });

  it('refuses imports from modules other than wasi_snapshot_preview1, naming the import', async () => {
    const err = await refusal(analyze(runtime, fixture('import-env.wasm'), { memoryLimitMb: MB }));
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toContain("'env'.'now' (function)");
  });

  it('refuses an initial memory over the instance limit', async () => {
    const err = await refusal(analyze(runtime, fixture('big-initial-memory.wasm'), { memoryLimitMb: 128 }));
    expect(err.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(err.field).toBe('artifact_spec');
    expect(err.message).toBe('artifact_spec: initial linear memory of 256 MiB exceeds the instance memory limit of 128 MiB');
  });

  it('accepts the same module when the limit allows its initial memory', async () => {
    const analysis = await analyze(runtime, fixture('big-initial-memory.wasm'), { memoryLimitMb: 256 });
    expect(analysis.exports.map((e) => e.name)).toEqual(['size']);
  });

  it('createInstance refuses an oversized initial memory too', async () => {
    const err = await refusal(instanceOf(runtime, 'big-initial-memory.wasm', 64));
    expect(err.code).toBe(ErrorCodes.INVALID_ARGUMENT);
  });
});
