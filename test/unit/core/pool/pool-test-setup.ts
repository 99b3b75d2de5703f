/** The pool under test, over the fake runtime, and the shared steps of its unit tests. */
import { afterEach } from 'vitest';
import type { ConfigInput } from '../../../../src/config.js';
import { InstancePool, type Lease } from '../../../../src/core/pool/instance-pool.js';
import { type FakeInstance, fakeSetup, ok, task } from '../fake-runtime.js';

export const MiB = 1024 * 1024;
const pools: InstancePool[] = [];

export function setup(config: ConfigInput = {}) {
  const { runtime, manager, config: resolved } = fakeSetup({ instanceIdleMs: 1_000, ...config });
  const pool = new InstancePool(manager, resolved, async () => new Uint8Array(0));
  pools.push(pool);
  return { runtime, pool, config: resolved };
}

export const idOf = (lease: Lease) => lease.pooled.instance.id;
export const fake = (lease: Lease) => lease.pooled.instance as FakeInstance;

/** One call's round trip: acquire, release with `outcome`. */
export async function call(pool: InstancePool, t: ReturnType<typeof task>, outcome = ok()): Promise<string> {
  const lease = await pool.acquire(t);
  pool.release(lease, outcome);
  return idOf(lease);
}

/** Closes every pool a test made (call once per test file). */
export function closePoolsAfterEach(): void {
  afterEach(() => {
    for (const p of pools.splice(0)) p.close();
  });
}
