/**
 * The JavaScript runtime under spearlet: which Node.js, V8 and isolated-vm are running, and
 * whether that Node.js release line still gets security fixes. V8 is the first barrier around
 * guest code, so a line past its end of life is refused at start unless the operator says
 * otherwise (`--allow-eol-node`).
 */
import { createRequire } from 'node:module';
import { ErrorCodes, SpearletError } from './errors.js';

/**
 * End of life of each Node.js release line (the Node.js release schedule). Even lines are LTS
 * for 30 months; odd lines live about 8 months. A line missing here is newer than this table:
 * treated as supported.
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  16: '2023-09-11',
  18: '2025-04-30',
  19: '2023-06-01',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
  25: '2026-06-01',
  26: '2029-04-30',
};

export interface RuntimeVersions {
  node: string;
  v8: string;
  isolatedVm: string;
}

let cached: RuntimeVersions | undefined;

/** The versions of this process's Node.js, its V8 and the isolated-vm package it loads. */
export function runtimeVersions(): RuntimeVersions {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let isolatedVm = 'unknown';
  try {
    isolatedVm = (require('isolated-vm/package.json') as { version: string }).version;
  } catch {
    // Not resolvable as a package file (a bundled build): the version stays unknown.
  }
  cached = { node: process.version, v8: process.versions.v8, isolatedVm };
  return cached;
}

/** The release line's end-of-life date, or undefined for a line newer than the table. */
export function endOfLife(nodeVersion: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(nodeVersion)?.[1]);
  return NODE_END_OF_LIFE[major];
}

/**
 * Throws INVALID_CONFIG when `nodeVersion`'s line is past its end of life on `today`, unless
 * `allowEol`. Called once by the server before it starts anything.
 */
export function checkNodeRelease(nodeVersion: string, today: Date, allowEol: boolean): void {
  const eol = endOfLife(nodeVersion);
  if (eol === undefined || allowEol || today.toISOString().slice(0, 10) <= eol) return;
  throw new SpearletError(
    ErrorCodes.INVALID_CONFIG,
    `Node.js ${nodeVersion} reached its end of life on ${eol} and gets no security fixes; run 'npm ci' to use the pinned Node.js 24, or pass --allow-eol-node to start anyway`,
    { field: 'allowEolNode' },
  );
}
