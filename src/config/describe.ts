/**
 * An option's default and allowed values as text, read from its definition and its zod schema, for
 * `spearlet serve --help` (src/config/help.ts) and docs/reference/configuration.md (reference.ts).
 */
import { z } from 'zod';
import type { OptionDef } from './option.js';

const MIB = 1024 * 1024;

interface JsonSchema {
  type?: string;
  enum?: string[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
}

function bounds(s: JsonSchema): string {
  if (s.maximum === undefined || s.maximum >= Number.MAX_SAFE_INTEGER) return `≥ ${s.minimum}`;
  return `${s.minimum} to ${s.maximum}`;
}

/** The allowed values (`0 to 19`, `≥ 1`, `0, or ≥ 1000`, `auto, required, off`), or '' when any text goes. */
export function allowedText(option: OptionDef): string {
  if (option.rangeText !== undefined) return option.rangeText;
  const s = z.toJSONSchema(option.schema) as JsonSchema;
  if (s.enum) return s.enum.join(', ');
  if (s.type === 'integer') return bounds(s);
  const [zero, rest] = s.anyOf ?? [];
  if (zero?.const === 0 && rest?.type === 'integer') return `0, or ${bounds(rest)}`;
  return '';
}

/** The default as a user reads it: `16 MiB`, `on`, `none`, `off` for an unset feature. */
export function defaultText(option: OptionDef): string {
  if (option.defaultText !== undefined) return option.defaultText;
  const d: unknown = option.default;
  if (d === undefined) return 'off';
  if (typeof d === 'boolean') return d ? 'on' : 'off';
  if (Array.isArray(d)) return d.length === 0 ? 'none' : d.join(', ');
  if (typeof d === 'number' && d >= MIB && d % MIB === 0 && /Bytes$/.test(option.key)) return `${d / MIB} MiB`;
  return String(d);
}

/** `--flag ARG`, or the environment variable for an option that has no flag. */
export function usage(option: OptionDef): string {
  if (option.flag === undefined) return option.env;
  return option.arg === undefined ? `--${option.flag}` : `--${option.flag} ${option.arg}`;
}

/** The options by group, in declaration order. */
export function byGroup<O extends OptionDef>(options: readonly O[]): Map<string, O[]> {
  const groups = new Map<string, O[]>();
  for (const o of options) groups.set(o.group, [...(groups.get(o.group) ?? []), o]);
  return groups;
}
