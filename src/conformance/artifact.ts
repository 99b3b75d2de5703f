/**
 * ArtifactRef → ArtifactSpec. Fixture files and inline source travel as `data:` URIs, so the
 * runner checks a server on another machine without sharing a file system with it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ArtifactSpec } from '../generated/spearlet/ArtifactSpec.js';
import type { ArtifactRef } from './manifest-types.js';

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

const MEDIA_TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** A data: URI carrying `bytes`. */
export function dataUri(bytes: Uint8Array, mediaType = 'application/octet-stream'): string {
  return `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** Reads a fixture by its path under `fixturesDir`; refuses paths that leave it. */
export async function readFixture(fixturesDir: string, relative: string): Promise<Uint8Array> {
  const file = path.resolve(fixturesDir, relative);
  if (!file.startsWith(path.resolve(fixturesDir) + path.sep)) throw new FixtureError(`fixture '${relative}' is outside ${fixturesDir}`);
  try {
    return await fs.readFile(file);
  } catch (err) {
    throw new FixtureError(`fixture '${relative}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The ArtifactSpec a step sends for `ref`. */
export async function artifactSpec(ref: ArtifactRef, fixturesDir: string): Promise<ArtifactSpec> {
  let bytes: Uint8Array | undefined;
  let location = ref.location ?? '';
  if (ref.fixture !== undefined) {
    bytes = await readFixture(fixturesDir, ref.fixture);
    location = dataUri(bytes, MEDIA_TYPES[path.extname(ref.fixture)]);
  } else if (ref.source !== undefined) {
    bytes = Buffer.from(ref.source, 'utf8');
    location = dataUri(bytes, 'text/javascript');
  }
  let checksum = ref.checksum ?? '';
  if (checksum === 'auto' || checksum === 'auto-hex') {
    if (!bytes) throw new FixtureError(`checksum "${checksum}" needs a fixture or source`);
    const hex = createHash('sha256').update(bytes).digest('hex');
    checksum = checksum === 'auto' ? `sha256:${hex}` : hex;
  }
  return { artifactType: ref.type, location, checksum, metadata: { ...(ref.metadata ?? {}) } };
}
