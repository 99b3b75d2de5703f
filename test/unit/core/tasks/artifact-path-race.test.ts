/**
 * Artifact paths under attack: a directory on the path is swapped for a symlink to a directory
 * outside the artifact roots, over and over, while the artifact is resolved. Whatever the timing,
 * no byte (and no digest) of the file outside may come back.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveArtifact } from '../../../../src/core/tasks/artifact-resolver.js';
import { resolveConfig } from '../../../../src/config.js';
import { ErrorCodes, SpearletError } from '../../../../src/errors.js';

const INSIDE = 'export default () => "inside";\n';
const SECRET = 'export default () => "secret outside the roots";\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Swaps root/race between a real directory and a symlink to the outside one, as fast as it can. */
const SWAPPER = `
const fs = require('node:fs');
const { workerData: { root, outside } } = require('node:worker_threads');
const race = root + '/race', stash = root + '/race-stash';
for (;;) {
  try {
    fs.renameSync(race, stash);
    fs.symlinkSync(outside, race);
    fs.unlinkSync(race);
    fs.renameSync(stash, race);
  } catch {}
}
`;

let tmp: string;
let root: string;
let outside: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-race-'));
  root = path.join(tmp, 'root');
  outside = path.join(tmp, 'outside');
  await fs.mkdir(path.join(root, 'race'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(path.join(root, 'race', 'fn.js'), INSIDE);
  await fs.writeFile(path.join(outside, 'fn.js'), SECRET);
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

it('never reads a file outside the roots through a directory swapped for a symlink', async () => {
  const config = resolveConfig({ artifactRoots: [root] });
  const spec = (checksum: string) => ({ artifactId: '', artifactType: 'js', location: 'race/fn.js', version: '', checksum, metadata: {} });
  const wrong = 'ab'.repeat(32);
  const swapper = new Worker(SWAPPER, { eval: true, workerData: { root, outside } });
  const seen = { inside: 0, refused: 0, other: 0 };
  const leaks: string[] = [];
  try {
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      for (const checksum of ['', wrong]) {
        try {
          const { bytes, digest } = await resolveArtifact(spec(checksum), config);
          if (digest === sha(INSIDE)) seen.inside++;
          else leaks.push(`read ${Buffer.from(bytes).toString()}`);
        } catch (err) {
          const e = err as SpearletError;
          if (e.message.includes(sha(SECRET))) leaks.push(e.message);
          else if (e.code === ErrorCodes.ARTIFACT_FORBIDDEN) seen.refused++;
          else seen.other++;
        }
      }
    }
  } finally {
    await swapper.terminate();
  }
  expect(leaks).toEqual([]);
  // The race really ran: the path was read inside the roots and refused when it led outside.
  expect(seen.inside).toBeGreaterThan(0);
  expect(seen.refused + seen.other).toBeGreaterThan(0);
});
