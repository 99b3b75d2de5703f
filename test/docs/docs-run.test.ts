/**
 * Every command in the README and the guides, run for real: each ```sh, ```bash and ```console
 * block of a page runs in a fresh directory against a real `spearlet serve` (RocksDB in a temp
 * dir), and a ```console transcript's output must be what the page shows (placeholders:
 * transcript-match.ts). A block the test cannot run must say why in the page
 * (`<!-- doctest: skip — why -->`, see markdown-blocks.ts); an unmarked one fails, so the docs
 * cannot go stale. grpcurl is not installed where the tests run: its commands are skipped in the
 * pages and their requests checked against the proto instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ROOT } from '../helpers/spearlet-process.js';
import { openWorkspace, unrunnable, type Workspace } from './doc-workspace.js';
import { checkCall, grpcurlCalls, loadProto } from './grpcurl-request.js';
import { type Page, parsePage, stepsOf } from './markdown-blocks.js';
import { type Bindings, fillCommand, matchOutput } from './transcript-match.js';

// Each page starts a server and runs commands that wait on timers (a countdown, --follow).
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const PAGES = ['README.md', 'docs/quickstart.md', 'docs/guides/javascript.md', 'docs/guides/webassembly.md', 'docs/guides/calling.md', 'docs/http-trigger.md', 'docs/deploy.md'];
const SHELL = new Set(['sh', 'bash', 'console']);

const read = (page: string): Page => parsePage(fs.readFileSync(path.join(ROOT, page), 'utf8'), page);

/** Runs one page's blocks in order; returns how many commands ran. */
function runPage(page: string, ws: Workspace, bindings: Bindings): number {
  let ran = 0;
  for (const block of read(page).blocks) {
    const where = `${page}:${block.line}`;
    if (block.skip) continue;
    if (block.file) {
      fs.mkdirSync(path.dirname(path.join(ws.dir, block.file)), { recursive: true });
      fs.writeFileSync(path.join(ws.dir, block.file), `${block.body}\n`);
    }
    if (!SHELL.has(block.lang)) {
      expect(block.body.trimStart().startsWith('$ '), `${where}: a transcript is a \`\`\`console block`).toBe(false);
      continue;
    }
    for (const step of stepsOf(block)) {
      expect(unrunnable(step.command), `${where}: '${step.command}' cannot run in a test: mark the block <!-- doctest: skip — why -->`).toBe(false);
      const { status, output } = ws.run(fillCommand(step.command, bindings));
      expect(status, `${where}: '${step.command}' exited ${status}:\n${output}`).toBe(0);
      if (step.expected) expect(matchOutput(output, step.expected, bindings), `${where}: '${step.command}'`).toBeUndefined();
      ran++;
    }
  }
  return ran;
}

describe('the commands in the docs', () => {
  for (const page of PAGES) {
    it(`${page}: every shell block runs, or says why not`, async () => {
      const { blocks, after } = read(page);
      const shell = blocks.filter((b) => SHELL.has(b.lang));
      if (shell.every((b) => b.skip)) {
        // Nothing to run: every block names its reason, and no transcript hides in a plain block.
        for (const b of blocks) expect(b.body.trimStart().startsWith('$ '), `${page}:${b.line}: a transcript is a \`\`\`console block`).toBe(false);
        for (const b of shell) expect(b.skip, `${page}:${b.line}`).toMatch(/\w/);
        return;
      }
      const ws = await openWorkspace();
      try {
        const bindings: Bindings = new Map();
        for (const first of after) runPage(first, ws, bindings);
        expect(runPage(page, ws, bindings)).toBeGreaterThan(0);
      } finally {
        await ws.stop();
      }
    });
  }
});

it('README.md stays a page a newcomer reads: under 10 KB, the rest lives in docs/', () => {
  expect(fs.statSync(path.join(ROOT, 'README.md')).size).toBeLessThan(10 * 1024);
});

describe('the grpcurl commands in the docs', () => {
  const proto = loadProto(ROOT);

  it('call methods of the proto with request bodies of the right shape, on every page', () => {
    const everyPage = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const calls = everyPage.flatMap((page) => read(page).blocks.filter((b) => SHELL.has(b.lang)).flatMap((b) => grpcurlCalls(b.body)));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(checkCall(proto, call), `${call.service}/${call.method} ${JSON.stringify(call.body)}`).toEqual([]);
  });

  it('would catch a misspelt field, a wrong kind and an unknown type', () => {
    const call = grpcurlCalls(`grpcurl -plaintext -d '{"task_nam": "x", "artifact_spec": {"artifact_type": 3}, "parameters": [{"name": "a", "value": {"@type": "type.googleapis.com/nope.Nope"}}]}' 127.0.0.1:50051 spearlet.FunctionService/InvokeFunction`)[0];
    expect(checkCall(proto, call)).toEqual([
      'spearlet.InvokeFunctionRequest.task_nam: InvokeFunctionRequest has no such field',
      'spearlet.InvokeFunctionRequest.artifact_spec.artifact_type: 3 is not a string',
      "spearlet.InvokeFunctionRequest.parameters.value.@type: 'type.googleapis.com/nope.Nope' names no message",
    ]);
    expect(checkCall(proto, { ...call, method: 'Invoke' })).toEqual(['spearlet.FunctionService/Invoke: no such method']);
  });
});
