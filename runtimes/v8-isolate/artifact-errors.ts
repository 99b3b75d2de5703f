/**
 * Translates what goes wrong while loading a JavaScript artifact (decoding, compiling, top-level
 * code) into SpearletError INVALID_ARTIFACT with a message a task author can act on.
 */
import { ErrorCodes, SpearletError } from '../../src/errors.js';

function invalid(message: string, cause?: unknown): SpearletError {
  return new SpearletError(ErrorCodes.INVALID_ARTIFACT, message, cause === undefined ? {} : { cause });
}

export function notUtf8(cause: unknown): SpearletError {
  return invalid('artifact is not valid UTF-8 text', cause);
}

/** isolated-vm appends the position to compile errors: "Unexpected token '}' [task.js:3:5]". */
const POSITION = /^([\s\S]*?) \[(?:[^\]]*):(\d+):(\d+)\]$/;

/**
 * A compile error as `SyntaxError: <message> (line L, column C)` (both 1-based, as V8 counts them
 * for isolated-vm's suffix).
 */
export function compileError(err: unknown): SpearletError {
  const name = err instanceof Error && err.name ? err.name : 'SyntaxError';
  const raw = err instanceof Error ? err.message : String(err);
  const m = POSITION.exec(raw);
  const message = m ? `${name}: ${m[1]} (line ${m[2]}, column ${m[3]})` : `${name}: ${raw}`;
  return invalid(message, err);
}

export function importRefused(specifier: string): SpearletError {
  return invalid(
    `import of '${specifier}' is not supported: a JavaScript artifact must be one ES module without imports; bundle it first (spearlet deploy FILE does, with esbuild) or send the modules as a js-modules artifact (docs/artifacts.md)`,
  );
}

/** Top-level code failed: threw, looped past the limit, or ran out of memory. */
export function topLevelError(err: unknown, opts: { disposed: boolean; timeoutMs: number; memoryLimitMb: number }): SpearletError {
  const raw = err instanceof Error ? err.message : String(err);
  if (opts.disposed || /memory limit/i.test(raw) || raw === 'Array buffer allocation failed') {
    return invalid(`top-level code exceeded the memory limit (${opts.memoryLimitMb} MB)`, err);
  }
  if (/Script execution timed out/.test(raw)) {
    return invalid(`top-level code did not finish within ${opts.timeoutMs} ms`, err);
  }
  if (err instanceof Error) return invalid(`top-level code threw ${err.name}: ${err.message}`, err);
  return invalid(`top-level code threw Error: ${raw}`, err);
}

/**
 * Describing the exports failed. Guest code runs there only through a Proxy's traps (a Proxy
 * exported as a function); one that does not return within the time allowed refuses the artifact.
 */
export function exportsNotDescribed(err: unknown, opts: { disposed: boolean; timeoutMs: number; memoryLimitMb: number }): SpearletError {
  const raw = err instanceof Error ? err.message : String(err);
  if (/Script execution timed out/.test(raw)) {
    return invalid(`describing the module's exports did not finish within ${opts.timeoutMs} ms (an exported Proxy whose traps do not return?)`, err);
  }
  return topLevelError(err, opts);
}

export function topLevelUnsettled(): SpearletError {
  return invalid(
    'top-level await did not settle while the module was evaluated (timers and pending promises cannot be awaited at top level)',
  );
}
