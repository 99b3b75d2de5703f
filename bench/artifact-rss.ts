/**
 * Server RSS for many large tasks (issue 12 item 15): starts `spearlet serve` in its own process
 * with a temp data dir, registers N tasks of 8 MiB each from this process, and prints the server
 * process's own RSS (sandbox workers not counted) before and after.
 *
 *   node --no-node-snapshot --import tsx bench/artifact-rss.ts [tasks=30]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionClient } from '../src/client/function-client.js';

const MIB = 1024 * 1024;
const tasks = Number(process.argv[2] ?? 30);
const port = 50_000 + Math.floor(Math.random() * 10_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-artifact-rss-'));
const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const server = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', main, 'serve', '--listen', `127.0.0.1:${port}`, '--data-dir', path.join(dir, 'data'), '--sandbox-workers', '1', '--log-level', 'warn'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
const client = new FunctionClient(`127.0.0.1:${port}`);
try {
  for (let i = 0; ; i++) {
    try {
      await client.getHealth({});
      break;
    } catch (err) {
      if (i > 300) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const before = rss(server.pid!);
  for (let i = 0; i < tasks; i++) {
    const source = `export default () => ${i};\n//${'x'.repeat(8 * MIB - 40)}\n`;
    const res = await client.invoke({ taskName: `big-${i}`, artifactSpec: { artifactType: 'javascript', location: `data:text/javascript;base64,${Buffer.from(source).toString('base64')}` } });
    if (res.result?.status !== 'EXECUTION_STATUS_COMPLETED') throw new Error(`task ${i}: ${res.message}`);
  }
  await new Promise((r) => setTimeout(r, 5_000));
  const after = rss(server.pid!);
  console.log(`server RSS: ${Math.round(before / MIB)} MiB before, ${Math.round(after / MIB)} MiB after ${tasks} x 8 MiB tasks (+${Math.round((after - before) / MIB)} MiB)`);
} finally {
  client.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}
