import { describe, expect, it } from 'vitest';
import { checkMetadataKeys, identityKey } from '../../../../src/core/tasks/task-identity.js';

describe('checkMetadataKeys', () => {
  it.each(['memory_limit_mb', 'timeout_ms', 'min_instances', 'max_instances', 'max_concurrency', 'tenant'])('accepts the known key %s', (key) => {
    expect(() => checkMetadataKeys({ [key]: '1' })).not.toThrow();
  });

  it.each(['owner', 'team', 'description', 'version', 'timeout', 'tenant_id', 'memory', 'region', 'env', 'max_retries'])('leaves the free label %s alone', (key) => {
    expect(() => checkMetadataKeys({ [key]: 'x' })).not.toThrow();
  });

  it.each([
    ['memory_limt_mb', 'memory_limit_mb'],
    ['memory_limit_gb', 'memory_limit_mb'],
    ['MEMORY-LIMIT-MB', 'memory_limit_mb'],
    ['timeoutms', 'timeout_ms'],
    ['min_instance', 'min_instances'],
    ['max_concurency', 'max_concurrency'],
    ['tenants', 'tenant'],
  ])('refuses %s, naming %s', (key, known) => {
    expect(() => checkMetadataKeys({ [key]: '1' })).toThrow(`artifact_spec.metadata.${known}: unknown key '${key}' looks like a misspelling of '${known}'`);
  });
});

describe('identityKey', () => {
  const base = { name: 'n', digest: 'd', runtime: 'v8-isolate', metadata: { a: '1', b: '2' } };
  it('ignores metadata order and tells every other difference apart', () => {
    expect(identityKey({ ...base, metadata: { b: '2', a: '1' } })).toBe(identityKey(base));
    for (const other of [{ ...base, name: 'm' }, { ...base, digest: 'e' }, { ...base, runtime: 'wasm' }, { ...base, metadata: { a: '1' } }, { ...base, metadata: { a: '1', b: '3' } }]) {
      expect(identityKey(other)).not.toBe(identityKey(base));
    }
  });
});
