/**
 * Case variables: `${name}` in any string of a step is replaced by the variable's value (a string
 * that is exactly `${name}` takes the value itself, whatever its type). Steps save values into
 * variables by a dotted path into what they observed (`tasks.0.taskId`).
 */

export type Vars = Map<string, unknown>;

export class VarError extends Error {
  override readonly name = 'VarError';
}

const WHOLE = /^\$\{([A-Za-z_][\w.-]*)\}$/;
const PART = /\$\{([A-Za-z_][\w.-]*)\}/g;

function lookup(vars: Vars, name: string): unknown {
  if (!vars.has(name)) throw new VarError(`\${${name}} is not set (set ones: ${[...vars.keys()].join(', ')})`);
  return vars.get(name);
}

/** A deep copy of `value` with every `${var}` replaced (in keys too). Throws VarError for an unset variable. */
export function interpolate<T>(value: T, vars: Vars): T {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(vars, whole[1]) as T;
    return value.replace(PART, (_, name: string) => String(lookup(vars, name))) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars)) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[interpolate(k, vars) as string] = interpolate(v, vars);
    return out as T;
  }
  return value;
}

/** The value at a dotted path (`a.b.0.c`); undefined when any part is missing. */
export function getPath(root: unknown, dotted: string): unknown {
  let cur: unknown = root;
  for (const part of dotted.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Stores each `name → path` of `save` from `observed`; a missing value is an error. */
export function saveVars(save: Record<string, string> | undefined, observed: unknown, vars: Vars): void {
  for (const [name, dotted] of Object.entries(save ?? {})) {
    const value = getPath(observed, dotted);
    if (value === undefined || value === null) throw new VarError(`save ${name}: nothing at '${dotted}'`);
    vars.set(name, value);
  }
}

/** A short, filesystem- and id-safe form of a case name. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48);
}
