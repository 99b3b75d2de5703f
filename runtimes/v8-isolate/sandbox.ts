/**
 * A Sandbox is one isolate with one context and the prelude loaded: blank until a task module is
 * loaded into it (module-loader.ts). The host callbacks the prelude needs are created here, once
 * per isolate, and forward to whichever call is attached (`attach`), so a pre-created blank
 * sandbox can serve any instance later. Everything that does not depend on the task is done here,
 * ahead of time for the pre-created ones: the prelude is primed (its code compiled by a throwaway
 * call) and the loader module is compiled.
 */
import { randomFillSync } from 'node:crypto';
import ivm from 'isolated-vm';
import type { EncodedValue } from '../../src/core/values.js';
import { compileLoader } from './module-loader.js';
import { PRELUDE_SOURCE } from './prelude.js';

/** What the prelude reports when a call ends (see prelude-core.ts). */
export type CallRecord =
  | { s: 1; v: EncodedValue; m: number }
  | { s: 2; c: string; e: string; m: number };

/** The running call a sandbox forwards its callbacks to. Implemented by ActiveCall. */
export interface CallSink {
  readonly seq: number;
  log(line: string): void;
  chunk(value: EncodedValue): void;
  done(record: CallRecord): void;
  /** The call did not end within its entry (it awaits something): the entry is over. */
  parked(): void;
  timer(timerId: number, ms: number): void;
  /** A host call of the guest (fetch, KV); answered through the prelude's `reply` entry. */
  hostCall(req: number, op: string, payload: unknown): void;
  catastrophic(message: string): void;
  /** The isolate was disposed without the host asking (isolated-vm: memory limit). */
  died(): void;
}

export interface SandboxOptions {
  memoryLimitMb: number;
  /** Lines forwarded per call; one more is sent so the receiver can tell the log was cut. */
  maxLogLines: number;
  /** Characters kept per line (plus one, so the receiver can tell it was cut). */
  maxLogLineChars: number;
}

type PreludeFn = (...args: unknown[]) => unknown;
type PreludeEntries = { load: ivm.Reference<PreludeFn>; call: ivm.Reference<PreludeFn>; fire: ivm.Reference<PreludeFn>; reply: ivm.Reference<PreludeFn> };

const RANDOM_MAX = 65536;
/** Bound on the prelude's priming call (it takes well under a millisecond). */
const PRIME_TIMEOUT_MS = 1_000;

/** The prelude as a function of its closure arguments (see prelude.ts). */
const PRELUDE_FUNCTION = `(function ($0, $1, $2, $3, $4, $5, $6, $7, $8, $9) {${PRELUDE_SOURCE}\n})`;
/** V8 code cache of the prelude, shared by every isolate of the process (compiles ~3x faster). */
let preludeCache: ivm.ExternalCopy<ArrayBuffer> | undefined;

async function compilePrelude(isolate: ivm.Isolate): Promise<ivm.Script> {
  const options = { filename: 'spearlet:prelude' };
  if (preludeCache !== undefined) {
    const script = (await isolate.compileScript(PRELUDE_FUNCTION, { ...options, cachedData: preludeCache })) as ivm.Script & { cachedDataRejected?: boolean };
    if (script.cachedDataRejected === true) preludeCache = undefined;
    return script;
  }
  const script = (await isolate.compileScript(PRELUDE_FUNCTION, { ...options, produceCachedData: true })) as ivm.Script & ivm.CachedDataResult;
  preludeCache ??= script.cachedData;
  return script;
}

export class Sandbox {
  readonly isolate: ivm.Isolate;
  readonly memoryLimitMb: number;
  /** Set when isolated-vm reported a catastrophic error: the isolate's thread is lost. */
  catastrophe: string | undefined;
  /** Told about a catastrophic error, after the running call (if any) has been failed. */
  onCatastrophe: ((message: string) => void) | undefined;
  private sink: CallSink | null = null;
  private ctx: ivm.Context | undefined;
  private entries: PreludeEntries | undefined;
  private loader: ivm.Module | undefined;
  private disposing = false;

  private constructor(options: SandboxOptions) {
    this.memoryLimitMb = options.memoryLimitMb;
    this.isolate = new ivm.Isolate({
      memoryLimit: options.memoryLimitMb,
      onCatastrophicError: (message: string) => this.handleCatastrophe(message),
    });
  }

  /** Creates an isolate, its context and the prelude. Throws if isolated-vm fails. */
  static async create(options: SandboxOptions): Promise<Sandbox> {
    const sandbox = new Sandbox(options);
    try {
      await sandbox.init(options);
    } catch (err) {
      sandbox.dispose();
      throw err;
    }
    return sandbox;
  }

  private async init(options: SandboxOptions): Promise<void> {
    const context = await this.isolate.createContext();
    this.ctx = context;
    const forSink = <A extends unknown[]>(fn: (sink: CallSink, ...args: A) => void) =>
      new ivm.Callback(
        (seq: number, ...args: A) => {
          const sink = this.sink;
          if (sink !== null && sink.seq === seq) fn(sink, ...args);
        },
        { ignored: true },
      );
    const script = await compilePrelude(this.isolate);
    const preludeFn = (await script.run(context, { reference: true, release: true })) as ivm.Reference<PreludeFn>;
    const api = (await preludeFn.apply(
      undefined,
      [
        forSink((sink, line: string) => sink.log(line)),
        forSink((sink, chunk: EncodedValue) => sink.chunk(chunk)),
        forSink((sink, record: CallRecord) => sink.done(record)),
        forSink((sink, timerId: number, ms: number) => sink.timer(timerId, ms)),
        new ivm.Callback(randomBytes, { sync: true }),
        this.isolate,
        options.maxLogLines,
        options.maxLogLineChars,
        forSink((sink) => sink.parked()),
        forSink((sink, req: number, op: string, payload: unknown) => sink.hostCall(req, op, payload)),
      ],
      { result: { reference: true } },
    )) as ivm.Reference<Record<string, PreludeFn>>;
    preludeFn.release();
    try {
      this.entries = {
        load: api.getSync('load', { reference: true }),
        call: api.getSync('call', { reference: true }),
        fire: api.getSync('fire', { reference: true }),
        reply: api.getSync('reply', { reference: true }),
      };
      // Calls are entered with applyIgnored, which reports nothing; this pending promise is how
      // the host hears that isolated-vm disposed the isolate (it rejects it as abandoned).
      const sentinel = api.getSync('sentinel', { reference: true });
      sentinel.apply(undefined, [], { result: { promise: true } }).then(
        () => {},
        () => this.handleDeath(),
      );
      sentinel.release();
      const prime = api.getSync('prime', { reference: true });
      prime.applySync(undefined, [], { timeout: PRIME_TIMEOUT_MS });
      prime.release();
    } finally {
      api.release();
    }
    this.loader = compileLoader(this.isolate);
  }

  /** The loader module compiled for this sandbox; it can be taken once (one task per sandbox). */
  takeLoader(): ivm.Module {
    const loader = this.loader ?? compileLoader(this.isolate);
    this.loader = undefined;
    return loader;
  }

  get context(): ivm.Context {
    if (this.ctx === undefined) throw new Error('sandbox is not initialised');
    return this.ctx;
  }

  /** The prelude's entry points; throws once disposed. */
  get prelude(): PreludeEntries {
    if (this.entries === undefined) throw new Error('sandbox is not initialised');
    return this.entries;
  }

  get isDisposed(): boolean {
    return this.isolate.isDisposed || this.catastrophe !== undefined;
  }

  /** Routes the prelude's callbacks to a call until `detach`. */
  attach(sink: CallSink): void {
    this.sink = sink;
  }

  detach(sink: CallSink): void {
    if (this.sink === sink) this.sink = null;
  }

  /** CPU time spent in the isolate so far, ns; 0 once it is gone. */
  cpuTimeNs(): bigint {
    try {
      return this.isolate.cpuTime;
    } catch {
      return 0n;
    }
  }

  /** Frees the isolate (terminating anything running in it). Idempotent. */
  dispose(): void {
    this.disposing = true;
    this.entries = undefined;
    this.ctx = undefined;
    this.loader = undefined;
    if (this.isolate.isDisposed) return;
    try {
      this.isolate.dispose();
    } catch {
      // Already disposed by isolated-vm (memory limit) between the check and the call.
    }
  }

  private handleDeath(): void {
    if (this.disposing || !this.isolate.isDisposed) return;
    this.entries = undefined;
    this.ctx = undefined;
    const sink = this.sink;
    if (sink !== null) sink.died();
  }

  private handleCatastrophe(message: string): void {
    this.catastrophe = message;
    const sink = this.sink;
    if (sink !== null) sink.catastrophic(message);
    this.onCatastrophe?.(message);
  }
}

function randomBytes(n: unknown): Uint8Array {
  const size = typeof n === 'number' && n > 0 ? Math.min(Math.floor(n), RANDOM_MAX) : 0;
  const bytes = new Uint8Array(size);
  randomFillSync(bytes);
  return bytes;
}
