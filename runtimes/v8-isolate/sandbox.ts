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
import type { EncodedValue } from '../../src/core/values/values.js';
import { compileLoader } from './module-loader.js';
import { PRELUDE_SOURCE } from './prelude.js';

/**
 * What the prelude reports when a call ends (see prelude-core.ts); `d` counts the log lines it
 * dropped without sending them.
 */
export type CallRecord =
  | { s: 1; v: EncodedValue; m: number; d?: number }
  | { s: 2; c: string; e: string; m: number; d?: number };

/** The running call a sandbox forwards its callbacks to. Implemented by ActiveCall. */
export interface CallSink {
  readonly seq: number;
  log(line: string): void;
  chunk(value: EncodedValue): void;
  done(record: CallRecord): void;
  /** The call's entry into the isolate, microtasks included, is over (answer to `quiet`). */
  quiet(): void;
  /** A streaming generator waits for credit (see prelude-core.ts): answer with `credit` once some came. */
  waitCredit(): void;
  /** The call's one host timer is to fire in `ms` (replacing the one armed before). */
  timer(ms: number): void;
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
  /** Streamed chunks, and their bytes, a generator may have on their way before it waits (flow control). */
  streamWindowChunks: number;
  streamWindowBytes: number;
}

type PreludeFn = (...args: unknown[]) => unknown;
type PreludeEntries = {
  load: ivm.Reference<PreludeFn>;
  call: ivm.Reference<PreludeFn>;
  fire: ivm.Reference<PreludeFn>;
  credit: ivm.Reference<PreludeFn>;
  quiet: ivm.Reference<PreludeFn>;
  reply: ivm.Reference<PreludeFn>;
};

const RANDOM_MAX = 65536;
/** Bound on the prelude's priming call (it takes well under a millisecond). */
const PRIME_TIMEOUT_MS = 1_000;
/**
 * How long a disposed isolate has to let go of its sentinel. isolated-vm 7 can lose an isolate's
 * thread without reporting a catastrophic error (V8 out of memory in a huge allocation such as
 * `new Array(2 ** 26).fill(0)` under 64 MB): nothing it ran ever settles, disposing it returns, and
 * the thread keeps a quarter of a core and its memory for good. An isolate whose sentinel is still
 * pending this long after its disposal is reported as a catastrophe, so its process is replaced.
 */
export const LOST_AFTER_DISPOSE_MS = 2_000;

/** The prelude as a function of its closure arguments (see prelude.ts). */
const PRELUDE_FUNCTION = `(function ($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) {${PRELUDE_SOURCE}\n})`;
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
  /** The sentinel is pending (armed in init, let go when the isolate really ends). */
  private sentinelHeld = false;

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
        forSink((sink, ms: number) => sink.timer(ms)),
        new ivm.Callback(randomBytes, { sync: true }),
        this.isolate,
        options.maxLogLines,
        options.maxLogLineChars,
        forSink((sink) => sink.quiet()),
        options.streamWindowChunks,
        options.streamWindowBytes,
        forSink((sink) => sink.waitCredit()),
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
        credit: api.getSync('credit', { reference: true }),
        quiet: api.getSync('quiet', { reference: true }),
        reply: api.getSync('reply', { reference: true }),
      };
      // Calls are entered with applyIgnored, which reports nothing; this pending promise is how
      // the host hears that isolated-vm disposed the isolate (it rejects it as abandoned).
      const sentinel = api.getSync('sentinel', { reference: true });
      this.sentinelHeld = true;
      sentinel.apply(undefined, [], { result: { promise: true } }).then(
        () => {},
        () => {
          this.sentinelHeld = false;
          this.handleDeath();
        },
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
    if (this.sentinelHeld) {
      setTimeout(() => {
        if (this.sentinelHeld && this.catastrophe === undefined) {
          this.handleCatastrophe(`the isolate did not stop within ${LOST_AFTER_DISPOSE_MS} ms of its disposal: isolated-vm lost its thread`);
        }
      }, LOST_AFTER_DISPOSE_MS).unref();
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
