/**
 * The binary reader/rewriter and the module checks that V8 cannot express: the memory maximum
 * rewrite, and the refusal of memory64, multiple memories and unknown WASI imports.
 */
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { ErrorCodes, SpearletError } from '../../../../src/errors.js';
import { inspectModule, limitPages } from '../../../../runtimes/wasm/module-info.js';
import { parseModule, withMemoryMaximum, WasmFormatError } from '../../../../runtimes/wasm/wasm-binary.js';
import { fixture } from './helpers.js';

const wabt = await wabtInit();
const hostWasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;

function wat(source: string, features: Record<string, boolean> = {}): Uint8Array {
  const module = wabt.parseWat('test.wat', source, features);
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

function refusal(fn: () => unknown): SpearletError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpearletError);
    return err as SpearletError;
  }
  throw new Error('expected a refusal');
}

describe('parseModule', () => {
  it('reads types, imports, the function index space and exports', () => {
    const layout = parseModule(fixture('wasi-echo.wasm'));
    expect(layout.imports.map((i) => `${i.module}.${i.name}`)).toEqual([
      'wasi_snapshot_preview1.fd_read',
      'wasi_snapshot_preview1.fd_write',
      'wasi_snapshot_preview1.proc_exit',
    ]);
    expect(layout.exports).toEqual([
      { name: 'memory', kind: 'memory', index: 0 },
      { name: '_start', kind: 'function', index: 3 },
    ]);
    expect(layout.types[layout.functionTypes[3]]).toEqual({ params: [], results: [] });
    expect(layout.memories).toEqual([{ min: 1, max: undefined, shared: false, memory64: false }]);
  });

  it('refuses bytes without the magic number', () => {
    expect(() => parseModule(fixture('garbage.wasm'))).toThrow(WasmFormatError);
  });
});

describe('withMemoryMaximum', () => {
  it.each([
    ['no maximum', '(memory 1)', 1024, 1024],
    ['a larger maximum', '(memory 1 65536)', 1024, 1024],
    ['a smaller maximum', '(memory 1 4)', 1024, 4],
    ['a maximum whose LEB shrinks', '(memory 2 300)', 100, 100],
  ])('caps %s', (_label, memory, cap, expected) => {
    const code = wat(`(module ${memory} (func (export "f") (result i32) memory.size) (data (i32.const 0) "hi"))`);
    const rewritten = withMemoryMaximum(code, parseModule(code), cap);
    expect(hostWasm.validate(rewritten)).toBe(true);
    const layout = parseModule(rewritten);
    expect(layout.memories[0].max).toBe(expected);
    expect(layout.exports.map((e) => e.name)).toEqual(['f']);
  });

  it('returns a module without memory unchanged', () => {
    const code = fixture('add.wasm');
    expect(withMemoryMaximum(code, parseModule(code), 16)).toBe(code);
  });

  it('converts the limit to 64 KiB pages', () => {
    expect(limitPages({ memoryLimitMb: 64 })).toBe(1024);
    expect(limitPages({ memoryLimitMb: 8 })).toBe(128);
  });
});

describe('inspectModule refusals', () => {
  it('refuses memory64', () => {
    const code = wat('(module (memory i64 1))', { memory64: true });
    const err = refusal(() => inspectModule(code, { memoryLimitMb: 64 }));
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toContain('memory64');
  });

  it('refuses multiple memories', () => {
    const code = wat('(module (memory 1) (memory 1))', { multi_memory: true });
    const err = refusal(() => inspectModule(code, { memoryLimitMb: 64 }));
    expect(err.code).toBe(ErrorCodes.INVALID_ARTIFACT);
    expect(err.message).toContain('multiple memories are not supported');
  });

  it('refuses a WASI import that preview1 does not define', () => {
    const code = wat('(module (import "wasi_snapshot_preview1" "open_the_door" (func)))');
    const err = refusal(() => inspectModule(code, { memoryLimitMb: 64 }));
    expect(err.message).toContain("'wasi_snapshot_preview1'.'open_the_door' (function), which is not a WASI preview1 function");
  });

  it('refuses an imported memory, checking its initial size against the limit first', () => {
    const small = wat('(module (import "env" "memory" (memory 1)))');
    expect(refusal(() => inspectModule(small, { memoryLimitMb: 64 })).message).toContain("'env'.'memory' (memory)");
    const big = wat('(module (import "env" "memory" (memory 2048)))');
    expect(refusal(() => inspectModule(big, { memoryLimitMb: 64 })).message).toBe(
      'artifact_spec: initial linear memory of 128 MiB exceeds the instance memory limit of 64 MiB',
    );
  });

  it('treats a WASI module without _start as a reactor and hides _initialize', () => {
    const code = wat(`(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
      (func (export "_initialize")) (func (export "f") (result i32) i32.const 1))`);
    const info = inspectModule(code, { memoryLimitMb: 64 });
    expect(info.kind).toBe('reactor');
    expect(info.analysis).toEqual({ exports: [{ name: 'f', kind: 'wasm-function', params: [], results: ['i32'] }] });
  });
});
