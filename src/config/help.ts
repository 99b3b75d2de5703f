/** `spearlet serve --help`, made from the option definitions (src/config/options.ts). */
import { allowedText, byGroup, defaultText, usage } from './describe.js';
import { OPTIONS } from './options.js';

const WIDTH = 100;
const COLUMN = 36;

/** Words of `text` in lines that fit beside the usage column. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && COLUMN + 2 + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

function entry(left: string, text: string): string {
  const [first, ...rest] = wrap(text);
  const head = left.length > COLUMN ? `  ${left}\n${' '.repeat(COLUMN + 2)}${first}` : `  ${left.padEnd(COLUMN)}${first}`;
  return [head, ...rest.map((l) => `${' '.repeat(COLUMN + 2)}${l}`)].join('\n');
}

export function serveHelp(): string {
  const sections = [...byGroup(OPTIONS)].map(([group, options]) => {
    const lines = options.map((o) => {
      const allowed = allowedText(o);
      const facts = [`default ${defaultText(o)}`, ...(allowed === '' ? [] : [allowed]), ...(o.flag === undefined ? ['environment only'] : [])];
      return entry(usage(o), `${o.help} [${facts.join('; ')}]${o.see === undefined ? '' : `; docs/${o.see}`}`);
    });
    return `${group.toLowerCase()}:\n${lines.join('\n')}`;
  });
  return `usage: spearlet serve [options]

Runs the gRPC server (spearlet.FunctionService, grpc.health.v1.Health, server reflection) until
SIGINT/SIGTERM, then drains running executions and closes the store. Every flag also reads an
environment variable (--data-dir → SPEARLET_DATA_DIR; lists are comma-separated); flags win.
Every option is described in docs/reference/configuration.md.

${sections.join('\n\n')}

  ${'-h, --help'.padEnd(COLUMN)}this help`;
}
