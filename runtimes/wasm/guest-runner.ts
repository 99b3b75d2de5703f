/**
 * The JavaScript that runs inside each Wasm instance's isolate: it instantiates the transferred
 * WebAssembly.Module, runs one call at a time and reports how it ended as a plain, copyable object.
 *
 * The script evaluates to `bootstrap(module, settings, log, chunk, random)`, which returns
 * `run(request)`. The callbacks stay in this closure: Wasm code sees only its WASI imports, never a
 * global, a callback or an isolated-vm handle.
 */
import { WASI_SOURCE } from './wasi.js';

/** How a module is driven, decided at analysis. */
export type ModuleKind =
  /** Imports WASI and exports `_start`: a fresh Wasm instance per call (single-shot). */
  | 'command'
  /** Imports WASI without `_start`: one instance, `_initialize` called once if exported. */
  | 'reactor'
  /** No imports: one instance kept across calls. */
  | 'core';

/** Set once per isolate. */
export interface GuestSettings {
  kind: ModuleKind;
  usesWasi: boolean;
}

/**
 * WASI state of one call (copied into the isolate). The call itself travels as primitives:
 * `run(name, command, wasiCall, ...args)`, args already converted to the export's types.
 */
export interface WasiCall {
  stdin: Uint8Array | undefined;
  /** "KEY=value" strings. */
  env: string[];
  args: string[];
  /** Host random bytes to start the random_get pool with. */
  random: Uint8Array;
  /** Host monotonic clock at the start of the call, ns. */
  monoNs: bigint;
  streaming: boolean;
  maxLogLines: number;
  maxLineBytes: number;
}

/** How the call ended, as the isolate reports it (copied back). */
export type GuestReply = (
  | { status: 'ok'; value: unknown; stdout?: Uint8Array }
  | { status: 'exit'; code: number; stdout?: Uint8Array }
  | { status: 'trap'; message: string }
  | { status: 'error'; message: string }
  | { status: 'oom'; message: string }
) & { linearBytes: number; logLinesDropped?: number };

export const GUEST_RUNNER_SOURCE = /* js */ `
(function () {
  const createWasi = ${WASI_SOURCE};
  return function bootstrap(module, settings, log, chunk, random) {
    const wasi = settings.usesWasi ? createWasi({ log, chunk, random }) : null;
    let kept = null; // the instance of a core or reactor module, reused across calls
    let lastBytes = 0;

    function instantiate() {
      const instance = new WebAssembly.Instance(module, wasi ? wasi.imports : {});
      const mem = instance.exports.memory;
      const target = { instance, memory: mem instanceof WebAssembly.Memory ? mem : null };
      if (wasi) wasi.bind(target.memory);
      return target;
    }
    function describe(e) {
      if (e instanceof WebAssembly.RuntimeError) return { status: 'trap', message: 'RuntimeError: ' + e.message };
      if (e instanceof RangeError && /call stack/i.test(e.message)) return { status: 'trap', message: 'RangeError: ' + e.message };
      // The isolate's memory limit refused an ArrayBuffer (stdout, WASI buffers) or a Wasm memory.
      if (e instanceof RangeError && /allocation failed|out of memory/i.test(e.message)) return { status: 'oom', message: 'RangeError: ' + e.message };
      if (e instanceof Error) return { status: 'error', message: e.name + ': ' + e.message };
      return { status: 'error', message: 'Error: ' + String(e) };
    }

    return function run(name, command, wasiCall, ...args) {
      const fresh = settings.kind === 'command';
      let target = null;
      let reply;
      if (wasi) {
        wasi.begin(wasiCall, command);
      }
      try {
        if (fresh || kept === null) {
          target = instantiate();
          if (settings.kind === 'reactor' && typeof target.instance.exports._initialize === 'function') {
            target.instance.exports._initialize();
          }
          if (!fresh) kept = target;
        } else {
          target = kept;
          if (wasi) wasi.bind(target.memory);
        }
        const value = target.instance.exports[name](...args);
        reply = { status: 'ok', value };
      } catch (e) {
        reply = wasi && e instanceof wasi.WasiExit ? { status: 'ok', value: undefined } : describe(e);
        // A trapped instance may hold half-updated state: the next call starts from a fresh one.
        if (reply.status !== 'ok') kept = null;
      }
      if (wasi) {
        try {
          const ended = wasi.end();
          if (ended.exitCode !== null) {
            kept = null;
            reply = ended.exitCode === 0 ? { status: 'ok', value: undefined } : { status: 'exit', code: ended.exitCode };
          }
          if (command && reply.status === 'ok') reply.stdout = ended.stdout;
          reply.logLinesDropped = ended.logLinesDropped;
        } catch (e) {
          reply = describe(e);
        }
      }
      if (target && target.memory) lastBytes = target.memory.buffer.byteLength;
      reply.linearBytes = lastBytes;
      return reply;
    };
  };
})()
`;
