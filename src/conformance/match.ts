/**
 * The manifest's matcher language. A literal matches an equal value; arrays match element by
 * element with the same length; objects match key by key, either exactly (no other keys: results,
 * chunks, logs) or as a subset (responses, metrics). An object with one `$` key is an operator:
 *
 *   $regex "re"        a string matching the regex
 *   $contains x        a string containing x, or an array with an element matching x (a list: each)
 *   $exists bool       present and not null/'' (true), or absent/null/'' (false)
 *   $gt $gte $lt $lte  a number (numeric strings count: int64 fields arrive as strings)
 *   $len n             an array or string of that length
 *   $oneOf [m...]      any of the matchers
 *   $not m             anything the matcher refuses
 *   $type t            typeof (string, number, boolean, bigint, object), or array, bytes, null
 *   $bytes "base64"    bytes equal to these
 *   $bigint "123"      an integer (bigint or number) equal to this
 *   $approx n          a number within 1e-6 (relative) of n
 *   $exact m / $partial m   switch object matching for m
 */

export type MatchMode = 'exact' | 'partial';

const OPERATORS = new Set(['$regex', '$contains', '$exists', '$gt', '$gte', '$lt', '$lte', '$len', '$oneOf', '$not', '$type', '$bytes', '$bigint', '$approx', '$exact', '$partial']);

/** Compact text of a value for failure messages (bytes as base64, bigints with n, long text cut). */
export function show(v: unknown): string {
  let s: string;
  if (v === undefined) s = 'undefined';
  else if (v instanceof Uint8Array) s = `bytes(${Buffer.from(v).toString('base64')})`;
  else {
    s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `bytes(${Buffer.from(x).toString('base64')})` : x)) ?? String(v);
  }
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

function operator(expected: unknown): [string, unknown] | undefined {
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) return undefined;
  const keys = Object.keys(expected);
  if (keys.length !== 1 || !OPERATORS.has(keys[0])) return undefined;
  return [keys[0], (expected as Record<string, unknown>)[keys[0]]];
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v;
}

const absent = (v: unknown) => v === undefined || v === null || v === '';

/** Matches; returns the mismatches found, each naming its path (empty when it matches). */
export function match(expected: unknown, actual: unknown, path = '', mode: MatchMode = 'exact'): string[] {
  const out: string[] = [];
  check(expected, actual, path || '(value)', mode, out);
  return out;
}

function check(expected: unknown, actual: unknown, path: string, mode: MatchMode, out: string[]): void {
  const fail = (what: string): void => void out.push(`${path}: expected ${what}, got ${show(actual)}`);
  const op = operator(expected);
  if (op) return checkOperator(op[0], op[1], actual, path, mode, out, fail);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return fail(`an array ${show(expected)}`);
    if (actual.length !== expected.length) return fail(`${expected.length} element(s) ${show(expected)}`);
    expected.forEach((e, i) => check(e, actual[i], `${path}[${i}]`, mode, out));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual) || actual instanceof Uint8Array) return fail(`an object ${show(expected)}`);
    const a = actual as Record<string, unknown>;
    for (const [k, e] of Object.entries(expected)) check(e, a[k], `${path}.${k}`, mode, out);
    if (mode === 'exact') {
      const extra = Object.keys(a).filter((k) => !(k in expected) && a[k] !== undefined);
      if (extra.length > 0) out.push(`${path}: unexpected key(s) ${extra.join(', ')} in ${show(actual)}`);
    }
    return;
  }
  if (Object.is(expected, actual)) return;
  // Responses carry int64 as decimal strings: in subset matching a number matches its string.
  if (mode === 'partial' && typeof expected === 'number' && asNumber(actual) === expected) return;
  fail(show(expected));
}

function checkOperator(op: string, arg: unknown, actual: unknown, path: string, mode: MatchMode, out: string[], fail: (what: string) => void): void {
  switch (op) {
    case '$regex':
      if (typeof actual !== 'string' || !new RegExp(String(arg)).test(actual)) fail(`a string matching /${String(arg)}/`);
      return;
    case '$contains': {
      if (typeof actual === 'string') {
        for (const part of Array.isArray(arg) ? arg : [arg]) if (!actual.includes(String(part))) fail(`a string containing ${show(part)}`);
        return;
      }
      if (!Array.isArray(actual)) return fail(`an array or string containing ${show(arg)}`);
      for (const want of Array.isArray(arg) ? arg : [arg]) {
        if (!actual.some((a) => match(want, a, '', mode).length === 0)) fail(`an element matching ${show(want)}`);
      }
      return;
    }
    case '$exists':
      if (absent(actual) === Boolean(arg)) fail(arg ? 'a value' : 'no value');
      return;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      const n = asNumber(actual);
      const limit = Number(arg);
      const ok = n !== undefined && (op === '$gt' ? n > limit : op === '$gte' ? n >= limit : op === '$lt' ? n < limit : n <= limit);
      if (!ok) fail(`a number ${op.slice(1)} ${limit}`);
      return;
    }
    case '$len': {
      const len = typeof actual === 'string' || Array.isArray(actual) ? actual.length : undefined;
      if (len !== Number(arg)) fail(`length ${Number(arg)}`);
      return;
    }
    case '$oneOf':
      if (!Array.isArray(arg) || !arg.some((m) => match(m, actual, '', mode).length === 0)) fail(`one of ${show(arg)}`);
      return;
    case '$not':
      if (match(arg, actual, '', mode).length === 0) fail(`anything but ${show(arg)}`);
      return;
    case '$type':
      if (typeName(actual) !== arg) fail(`a value of type ${String(arg)}`);
      return;
    case '$bytes':
      if (!(actual instanceof Uint8Array) || Buffer.from(actual).toString('base64') !== String(arg)) fail(`bytes(${String(arg)})`);
      return;
    case '$bigint':
      if ((typeof actual !== 'bigint' && !Number.isInteger(actual)) || BigInt(actual as bigint | number) !== BigInt(String(arg))) fail(`the integer ${String(arg)}`);
      return;
    case '$approx': {
      const want = Number(arg);
      if (typeof actual !== 'number' || Math.abs(actual - want) > Math.max(1e-12, Math.abs(want) * 1e-6)) fail(`≈ ${want}`);
      return;
    }
    case '$exact':
    case '$partial':
      check(arg, actual, path, op === '$exact' ? 'exact' : 'partial', out);
      return;
  }
}
