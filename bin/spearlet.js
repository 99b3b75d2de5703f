#!/usr/bin/env node
// The `spearlet` command: runs the compiled CLI in dist/ (built by `npm ci` / `npm run build`) in
// this process. Only `serve` loads isolated-vm, which needs Node started with --no-node-snapshot
// (isolated-vm's README; NODE_OPTIONS refuses that flag): for it this process replaces itself
// with `node --no-node-snapshot …` (process.execve, same pid, so signals and the exit code are the
// server's own). Client commands start one node process and skip the flag, which costs start-up.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';

// V8's code cache on disk (in the OS temp dir): later runs skip compiling the CLI and grpc-js.
nodeModule.enableCompileCache?.();

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!fs.existsSync(main)) {
  process.stderr.write(`spearlet: ${main} is missing; build it with 'npm run build' (npm ci runs it)\n`);
  process.exit(1);
}
const args = process.argv.slice(2);
if (args[0] === 'serve' && !process.execArgv.includes('--no-node-snapshot')) {
  const argv = ['--no-node-snapshot', ...process.execArgv, main, ...args];
  if (typeof process.execve === 'function') process.execve(process.execPath, [process.execPath, ...argv], process.env);
  // A Node without process.execve: a child, with signals and the exit code passed through.
  const child = spawn(process.execPath, argv, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
} else {
  await import(main);
}
