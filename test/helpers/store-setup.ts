/**
 * Set-up shared by the store tests: temp dirs removed after each test, the two Store
 * implementations every behaviour runs against, and a store opened fresh for each test.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RocksDbStore } from '../../src/store/rocksdb-store.js';
import type { TaskRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';

/** A temp dir maker whose dirs are removed after each test of the calling file. */
export function tempDirs(prefix: string): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** A task record with the given id, name and artifact digest (64 MB, 1 s, 0-2 instances). */
export function taskRecord(taskId: string, name: string, digest = 'd'.repeat(64)): TaskRecord {
  return {
    taskId,
    name,
    description: `task ${name}`,
    artifact: { artifactId: name, artifactType: 'js', location: `file://${name}.js`, version: '1', checksum: '', metadata: {} },
    runtime: 'v8-isolate',
    digest,
    sizeBytes: 10,
    exports: [{ name: 'main', kind: 'function' }],
    limits: { memoryLimitMb: 64, timeoutMs: 1000, minInstances: 0, maxInstances: 2, maxConcurrency: 4 },
    createdAt: 1,
    updatedAt: 1,
    executionCount: 0,
  };
}

/** [name, make] for MemoryStore and a RocksDbStore in a fresh temp dir, for describe.each. */
export function storeImplementations(tempDir: () => Promise<string>): Array<[string, () => Promise<Store>]> {
  return [
    ['MemoryStore', async () => new MemoryStore()],
    ['RocksDbStore', async () => new RocksDbStore(path.join(await tempDir(), 'db'))],
  ];
}

/** Before each test of the suite, opens a store from `make` and hands it to `use`; closes it after. */
export function openStoreForEachTest(make: () => Promise<Store>, use: (store: Store) => void): void {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await make();
    await store.open();
    use(store);
  });
  afterEach(async () => {
    await store?.close();
  });
}
