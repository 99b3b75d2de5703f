/**
 * Vitest global setup: builds dist/ from the sources once per run, so tests that start the real
 * `spearlet` command (bin/spearlet.js runs dist/) never run a stale build.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
}
