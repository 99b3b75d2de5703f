/**
 * The guest code every scenario runs, the same work for spearlet and for each peer: `add` (a
 * trivial call: the cost of getting in and out), recursive `fib` (hot code: the cost of running
 * inside the sandbox). `fib` is a local binding everywhere, as in a module, so no peer pays for
 * global lookups through its context.
 */
import { fileURLToPath } from 'node:url';

export const FIB_N = 30;
/** fib(FIB_N), what every peer's answer is checked against. */
export const FIB_RESULT = 832040;

/** The spearlet task used by the warm and compute scenarios. */
export const JS_TASK_SOURCE = `
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
export function add({ a, b }) { return a + b; }
export function fibonacci({ n }) { return fib(n); }
`;

/** A new task per cold invoke: `{{N}}` is replaced by a unique number, so no code cache applies. */
export const COLD_TASK_TEMPLATE = `const id = {{N}};
export default function handler({ a, b }) { return a + b + id * 0; }
`;

/** The same two functions as an expression, for peers that evaluate a script: `({ add, fib })`. */
export const PEER_SCRIPT = `(function () {
  function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
  function add(p) { return p.a + p.b; }
  return { add, fib };
})()`;

/** fixtures/wasm/add.wasm: `add(i32, i32) -> i32`, built by fixtures/wasm/build.mjs. */
export const WASM_ADD_PATH = fileURLToPath(new URL('../fixtures/wasm/add.wasm', import.meta.url));

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
