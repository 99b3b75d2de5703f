/**
 * Output a page shows against the output a command printed. The page writes what changes from run
 * to run as placeholders:
 *   <name>      any text within the line (`in <duration>`, `<date> <time>`, `sha256:<hex>`);
 *   <name-id>   a run of non-blank characters, remembered: later in the page (output or a
 *               command, such as `spearlet logs <exec-id>`) it stands for the value it matched first;
 *   ...         a line of its own: any number of lines.
 * Everything else must be equal, line by line (trailing blanks and CRs aside).
 */
const PLACEHOLDER = /<([a-z][a-z0-9-]*)>/g;
const ELLIPSIS = '...';

export type Bindings = Map<string, string>;

const remembered = (name: string) => name.endsWith('-id');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The command with remembered placeholders filled in; throws naming one that has no value yet. */
export function fillCommand(command: string, bindings: Bindings): string {
  return command.replace(PLACEHOLDER, (whole, name: string) => {
    if (!remembered(name)) return whole;
    const value = bindings.get(name);
    if (value === undefined) throw new Error(`the command uses <${name}> before any output shows it: ${command}`);
    return value;
  });
}

function clean(lines: string[]): string[] {
  const out = lines.map((l) => l.replace(/\r$/, '').trimEnd());
  while (out.length > 0 && out[0] === '') out.shift();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Compares `actual` with the `shown` lines; on a match, remembers the new `-id` placeholders in
 * `bindings`. Returns why they differ, or undefined.
 */
export function matchOutput(actual: string, shown: string[], bindings: Bindings): string | undefined {
  const groups = new Map<string, string>();
  let pattern = '';
  for (const line of clean(shown)) {
    if (line === ELLIPSIS) {
      pattern += '(?:[^\\n]*\\n)*?';
      continue;
    }
    let last = 0;
    for (const m of line.matchAll(PLACEHOLDER)) {
      pattern += escape(line.slice(last, m.index));
      last = m.index + m[0].length;
      const name = m[1];
      if (!remembered(name)) pattern += '[^\\n]+?';
      else if (bindings.has(name)) pattern += escape(bindings.get(name)!);
      else if (groups.has(name)) pattern += `\\k<${groups.get(name)}>`;
      else {
        groups.set(name, `g${groups.size}`);
        pattern += `(?<${groups.get(name)}>\\S+?)`;
      }
    }
    pattern += `${escape(line.slice(last))}\\n`;
  }
  const text = clean(actual.split('\n')).map((l) => `${l}\n`).join('');
  const m = new RegExp(`^${pattern}$`).exec(text);
  if (!m) return `the page shows:\n${clean(shown).join('\n')}\n\nthe command printed:\n${text}`;
  for (const [name, group] of groups) bindings.set(name, m.groups![group]);
  return undefined;
}
