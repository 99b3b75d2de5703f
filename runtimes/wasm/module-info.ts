/**
 * What the runtime knows about a Wasm module: validation by V8, the checks the sandbox needs
 * (imports, memories, the memory limit) and the callable exports with their signatures.
 */
import { ErrorCodes, SpearletError } from '../../src/errors.js';
import type { ArtifactAnalysis, ExportInfo, InstanceLimits } from '../../src/core/runtime/runtime.js';
import type { ModuleKind } from './guest-runner.js';
import { PAGE_BYTES, WasmFormatError, parseModule, type FuncType, type ModuleLayout } from './wasm-binary.js';
import { WASI_FUNCTIONS, WASI_MODULE } from './wasi.js';

const FIELD = 'artifact_spec';

/** A compiled WebAssembly.Module of the host (the project's TS libs carry no WebAssembly typings). */
export type CompiledWasm = object;
const hostWasm = (globalThis as unknown as { WebAssembly: { compile(code: Uint8Array): Promise<CompiledWasm> } }).WebAssembly;
const WASI_NAMES = new Set(WASI_FUNCTIONS);

export interface ModuleInfo {
  kind: ModuleKind;
  usesWasi: boolean;
  /** Exported functions by name. */
  functions: ReadonlyMap<string, FuncType>;
  analysis: ArtifactAnalysis;
  layout: ModuleLayout;
}

function invalid(problem: string, cause?: unknown): SpearletError {
  return new SpearletError(ErrorCodes.INVALID_ARTIFACT, `${FIELD}: ${problem}`, { field: FIELD, cause });
}

/** The instance memory limit in 64 KiB pages: the most linear memory a module may ever have. */
export function limitPages(limits: InstanceLimits): number {
  return Math.floor((limits.memoryLimitMb * 1024 * 1024) / PAGE_BYTES);
}

/**
 * Compiles `code` in the host (no guest code runs) and returns the module. Throws INVALID_ARTIFACT
 * with V8's validation message.
 */
export async function compileModule(code: Uint8Array): Promise<CompiledWasm> {
  try {
    return await hostWasm.compile(code);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalid(`not a valid WebAssembly module: ${message}`, err);
  }
}

function mib(pages: number): string {
  const value = (pages * PAGE_BYTES) / (1024 * 1024);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function checkMemories(layout: ModuleLayout, limits: InstanceLimits): void {
  const memories = [...layout.imports.flatMap((i) => (i.memory ? [i.memory] : [])), ...layout.memories];
  if (memories.length > 1) throw invalid(`the module has ${memories.length} memories; multiple memories are not supported`);
  const memory = memories[0];
  if (!memory) return;
  if (memory.memory64) throw invalid('64-bit memories (memory64) are not supported');
  if (memory.min > limitPages(limits)) {
    throw new SpearletError(
      ErrorCodes.INVALID_ARGUMENT,
      `${FIELD}: initial linear memory of ${mib(memory.min)} MiB exceeds the instance memory limit of ${limits.memoryLimitMb} MiB`,
      { field: FIELD },
    );
  }
}

function checkImports(layout: ModuleLayout): void {
  for (const imp of layout.imports) {
    const what = `'${imp.module}'.'${imp.name}' (${imp.kind})`;
    if (imp.module !== WASI_MODULE || imp.kind !== 'function') {
      throw invalid(`the module imports ${what}; only functions of ${WASI_MODULE} can be imported`);
    }
    if (!WASI_NAMES.has(imp.name)) throw invalid(`the module imports ${what}, which is not a WASI preview1 function`);
  }
}

function exportedFunctions(layout: ModuleLayout): Map<string, FuncType> {
  const functions = new Map<string, FuncType>();
  for (const exp of layout.exports) {
    if (exp.kind !== 'function') continue;
    const type = layout.types[layout.functionTypes[exp.index]];
    if (!type) throw invalid(`export '${exp.name}' has no function type`);
    functions.set(exp.name, type);
  }
  return functions;
}

/**
 * Inspects a module V8 has validated. Throws INVALID_ARTIFACT (imports other than WASI preview1
 * functions, several memories, memory64) or INVALID_ARGUMENT (initial memory over the limit).
 */
export function inspectModule(code: Uint8Array, limits: InstanceLimits): ModuleInfo {
  let layout: ModuleLayout;
  try {
    layout = parseModule(code);
  } catch (err) {
    if (err instanceof WasmFormatError) throw invalid(err.message, err);
    throw err;
  }
  checkMemories(layout, limits);
  checkImports(layout);
  const functions = exportedFunctions(layout);
  const usesWasi = layout.imports.length > 0;
  const kind: ModuleKind = usesWasi ? (functions.has('_start') ? 'command' : 'reactor') : 'core';
  const exports: ExportInfo[] = [];
  for (const [name, type] of functions) {
    if (kind === 'command' && name === '_start') exports.push({ name, kind: 'wasi-command' });
    else if (kind === 'reactor' && name === '_initialize') continue;
    else exports.push({ name, kind: 'wasm-function', params: type.params, results: type.results });
  }
  const analysis: ArtifactAnalysis = kind === 'command' ? { exports, defaultExport: '_start' } : { exports };
  return { kind, usesWasi, functions, analysis, layout };
}
