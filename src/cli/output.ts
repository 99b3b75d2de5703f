/**
 * Terminal output: colours only on a terminal (NO_COLOR turns them off, FORCE_COLOR on), aligned
 * tables, and JSON for scripts.
 */

export interface Paint {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export function paint(enabled: boolean): Paint {
  const id = (s: string) => s;
  return {
    enabled,
    bold: enabled ? sgr(1, 22) : id,
    dim: enabled ? sgr(2, 22) : id,
    red: enabled ? sgr(31, 39) : id,
    green: enabled ? sgr(32, 39) : id,
    yellow: enabled ? sgr(33, 39) : id,
    cyan: enabled ? sgr(36, 39) : id,
  };
}

/** Colours for a stream: on a TTY unless NO_COLOR is set (non-empty); FORCE_COLOR forces them. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const width = (s: string) => [...s.replace(ANSI, '')].length;

/** Rows aligned under headers, two spaces apart; the last column is not padded. */
export function table(headers: string[], rows: string[][], p: Paint): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => width(r[c] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell + ' '.repeat(widths[c] - width(cell))))
      .join('  ')
      .trimEnd();
  return [p.bold(line(headers)), ...rows.map(line)].join('\n') + '\n';
}

/** `key  value` lines with keys aligned. */
export function keyValues(pairs: Array<[string, string]>, p: Paint): string {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${p.dim(k.padEnd(w))}  ${v}`).join('\n') + '\n';
}

/** JSON for --json output: bigints as decimal strings, bytes as base64. */
export function toJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v),
      2,
    ) + '\n'
  );
}
