/**
 * ctx.kv over a real server and its RocksDB: round trips of strings and bytes, listing, TTL,
 * caps as clear guest errors, isolation between tasks, persistence across a restart, and a
 * deleted task's store going with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, jsSpec, params, startTestServer, valueOf } from '../harness.js';

const GUEST = `
export async function put({ key, value, bytes, ttl }, ctx) {
  await ctx.kv.put(key, bytes ? new TextEncoder().encode(value) : value, ttl ? { ttlSeconds: ttl } : undefined);
  return 'stored';
}
export async function get({ key }, ctx) {
  const v = await ctx.kv.get(key);
  return v instanceof Uint8Array ? { bytes: Array.from(v) } : v;
}
export async function del({ key }, ctx) { await ctx.kv.delete(key); return 'deleted'; }
export async function list({ prefix, limit, cursor }, ctx) { return ctx.kv.list({ prefix, limit, cursor }); }
export async function attempt({ key, size }, ctx) {
  try { await ctx.kv.put(key, 'v'.repeat(size)); return 'stored'; } catch (e) { return e.name + ': ' + e.message; }
}
`;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ kvMaxKeyBytes: 32, kvMaxValueBytes: 400, kvMaxTaskBytes: 1000 });
});
afterAll(() => t?.stop());

async function newTask(name: string): Promise<string> {
  const res = await t.client.invoke({ taskName: name, artifactSpec: jsSpec(GUEST, { purpose: name }), functionName: 'get', parameters: params({ key: 'none' }) });
  expect(valueOf(res.result?.result)).toBeNull();
  return res.taskId;
}

const call = async (taskId: string, functionName: string, values: Record<string, unknown>) => {
  const res = await t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId, functionName, parameters: params(values) });
  expect(res.result?.errorMessage).toBe('');
  return valueOf(res.result?.result);
};

describe('guest KV', () => {
  it('round-trips strings and bytes, lists by prefix and deletes', async () => {
    const task = await newTask('kv-round');
    expect(await call(task, 'put', { key: 'user:1', value: 'ada' })).toBe('stored');
    expect(await call(task, 'put', { key: 'user:2', value: 'héllo', bytes: true })).toBe('stored');
    expect(await call(task, 'put', { key: 'other', value: 'x' })).toBe('stored');
    expect(await call(task, 'get', { key: 'user:1' })).toBe('ada');
    expect(await call(task, 'get', { key: 'user:2' })).toEqual({ bytes: Array.from(Buffer.from('héllo')) });
    expect(await call(task, 'list', { prefix: 'user:' })).toEqual({ keys: [{ name: 'user:1' }, { name: 'user:2' }], complete: true });
    const page = (await call(task, 'list', { prefix: 'user:', limit: 1 })) as { keys: unknown[]; cursor: string; complete: boolean };
    expect(page).toEqual({ keys: [{ name: 'user:1' }], cursor: 'user:1', complete: false });
    expect(await call(task, 'list', { prefix: 'user:', limit: 1, cursor: page.cursor })).toEqual({ keys: [{ name: 'user:2' }], complete: true });
    expect(await call(task, 'del', { key: 'user:1' })).toBe('deleted');
    expect(await call(task, 'get', { key: 'user:1' })).toBeNull();
  });

  it('expires a value after its TTL', async () => {
    const task = await newTask('kv-ttl');
    await call(task, 'put', { key: 'session', value: 'v', ttl: 1 });
    expect(await call(task, 'get', { key: 'session' })).toBe('v');
    const listed = (await call(task, 'list', {})) as { keys: Array<{ name: string; expiration?: number }> };
    expect(listed.keys[0].expiration).toBeGreaterThan(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await call(task, 'get', { key: 'session' })).toBeNull();
    expect(await call(task, 'list', {})).toEqual({ keys: [], complete: true });
  });

  it('refuses keys, values and totals over the caps with errors that name them', async () => {
    const task = await newTask('kv-caps');
    expect(await call(task, 'attempt', { key: 'k'.repeat(33), size: 1 })).toBe('RangeError: kv.put: the key is 33 bytes, over the limit of 32 (kvMaxKeyBytes)');
    expect(await call(task, 'attempt', { key: 'big', size: 401 })).toBe('RangeError: kv.put: the value is 401 bytes, over the limit of 400 (kvMaxValueBytes)');
    expect(await call(task, 'attempt', { key: 'a', size: 400 })).toBe('stored');
    expect(await call(task, 'attempt', { key: 'b', size: 400 })).toBe('stored');
    expect(await call(task, 'attempt', { key: 'c', size: 400 })).toBe("RangeError: kv.put: the task's store would hold 1203 bytes, over its limit of 1000 (kvMaxTaskBytes)");
    // Replacing a value counts the new size, not both.
    expect(await call(task, 'attempt', { key: 'b', size: 300 })).toBe('stored');
    expect(await call(task, 'get', { key: 'c' })).toBeNull();
    expect(await call(task, 'attempt', { key: '', size: 1 })).toBe('TypeError: kv.put: the key must not be empty');
  });

  it('keeps each task to its own store', async () => {
    const a = await newTask('kv-a');
    const b = await newTask('kv-b');
    await call(a, 'put', { key: 'shared-name', value: 'from a' });
    expect(await call(b, 'get', { key: 'shared-name' })).toBeNull();
    expect(await call(b, 'list', {})).toEqual({ keys: [], complete: true });
    expect(await call(a, 'get', { key: 'shared-name' })).toBe('from a');
  });

  it('keeps values across a restart and deletes them with their task', async () => {
    const task = await newTask('kv-durable');
    await call(task, 'put', { key: 'count', value: '41' });
    t = await t.restart();
    expect(await call(task, 'get', { key: 'count' })).toBe('41');
    await t.client.deleteTask({ taskId: task });
    // The same id registered again starts with an empty store.
    const again = await t.client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId: task, createIfNotExists: true, taskName: 'kv-durable', artifactSpec: jsSpec(GUEST, { purpose: 'kv-durable' }), functionName: 'get', parameters: params({ key: 'count' }) });
    expect(again.taskId).toBe(task);
    expect(valueOf(again.result?.result)).toBeNull();
  });
});
