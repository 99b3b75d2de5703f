/**
 * The fenced blocks of a Markdown page and the `<!-- doctest: … -->` markers written before them.
 * The doc test (docs-run.test.ts) runs what this finds.
 *
 * Markers, each in an HTML comment on the lines just before a block (blank lines between allowed):
 *   <!-- doctest: skip — why -->      the block is not run (why is required)
 *   <!-- doctest: file PATH -->       the block is the content of PATH in the working directory
 * and, anywhere on a page:
 *   <!-- doctest: after docs/x.md --> run docs/x.md first, on the same server and directory
 */
export interface Block {
  /** The fence's info string: sh, bash, console, ts, text, '' … */
  lang: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
  skip?: string;
  file?: string;
}

export interface Page {
  blocks: Block[];
  /** Pages to run first (`after` markers). */
  after: string[];
}

const MARKER = /^<!--\s*doctest:\s*(.*?)\s*-->$/;

export function parsePage(markdown: string, name: string): Page {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  const after: string[] = [];
  let pending: { skip?: string; file?: string } = {};
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    const marker = MARKER.exec(text);
    if (marker) {
      const [verb, ...rest] = marker[1].split(/\s+/);
      const arg = rest.join(' ').replace(/^[—-]\s*/, '');
      if (verb === 'after') after.push(arg);
      else if (verb === 'skip' && arg) pending.skip = arg;
      else if (verb === 'file' && arg) pending.file = arg;
      else throw new Error(`${name}:${i + 1}: unknown or incomplete doctest marker '${marker[1]}'`);
      continue;
    }
    const fence = /^(```+)\s*([\w-]*)/.exec(text);
    if (fence) {
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) body.push(lines[i]);
      blocks.push({ lang: fence[2], body: body.join('\n'), line: start + 1, ...pending });
      pending = {};
    } else if (text !== '') {
      pending = {};
    }
  }
  return { blocks, after };
}

/** One command of a transcript and the output the page shows for it. */
export interface Step {
  command: string;
  expected: string[] | undefined;
}

/**
 * The commands of a block. `console`: each `$ ` line is a command and the lines up to the next one
 * its expected output. `sh`/`bash`: each line is a command (nothing is compared). A line ending in
 * `\` continues on the next.
 */
export function stepsOf(block: Block): Step[] {
  const steps: Step[] = [];
  const lines = block.body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const isCommand = block.lang === 'console' ? line.startsWith('$ ') : line.trim() !== '' && !line.trim().startsWith('#');
    if (!isCommand) {
      if (block.lang === 'console' && steps.length === 0 && line.trim() !== '') throw new Error(`output before the first '$ ' command: ${line}`);
      if (block.lang === 'console' && steps.length > 0) steps[steps.length - 1].expected!.push(line);
      continue;
    }
    if (block.lang === 'console') line = line.slice(2);
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)}${lines[++i]}`;
    steps.push({ command: line, expected: block.lang === 'console' ? [] : undefined });
  }
  return steps;
}
