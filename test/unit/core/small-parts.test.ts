import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { ulid, ulidFloor, ulidTime } from '../../../src/core/values/ids.js';
import { LogBuffer } from '../../../src/core/execution/log-buffer.js';
import { resolveTaskLimits } from '../../../src/core/tasks/task-limits.js';

describe('ids', () => {
  it('are time-sortable and strictly increasing within a millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => ulid(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(ulidTime(ids[0])).toBe(1_700_000_000_000);
    expect(ulidFloor(1_700_000_000_000) < ids[0]).toBe(true);
  });
});

describe('LogBuffer', () => {
  it('caps lines and line length, with a marker', () => {
    const b = new LogBuffer(2, 16);
    b.push('a');
    b.push('x'.repeat(40));
    expect(b.push('dropped')).toBeUndefined();
    expect(b.truncated).toBe(true);
    const lines = b.toArray();
    expect(lines[1]).toMatch(/^x{16}… \[line cut/);
    expect(lines[2]).toBe('[spearlet] 1 more log lines dropped (limit 2 per execution)');
  });
});

describe('config', () => {
  it('fills defaults and freezes', () => {
    const c = resolveConfig({});
    expect(c.listen).toBe('127.0.0.1:50051');
    expect(c.defaultMemoryLimitMb).toBe(128);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names the field of a bad value', () => {
    expect(() => resolveConfig({ listen: 'nope' })).toThrow(/^listen: must be HOST:PORT/);
    expect(() => resolveConfig({ maxQueueLength: -1 })).toThrow(/^maxQueueLength:/);
    expect(() => resolveConfig({ defaultMemoryLimitMb: 512, maxMemoryLimitMb: 256 })).toThrow(/^defaultMemoryLimitMb:/);
    expect(() => resolveConfig({ schedulingPolicy: 'random' as never })).toThrow(/^schedulingPolicy: must be one of/);
    expect(() => resolveConfig({ workerNice: 20 })).toThrow(/^workerNice: must be an integer from 0 to 19 \(got 20\)$/);
  });
});

describe('task limits', () => {
  const config = resolveConfig({ maxMemoryLimitMb: 256, defaultTimeoutMs: 500, maxTimeoutMs: 1000 });
  it('uses defaults, caps at the server maximum, and refuses malformed values', () => {
    expect(resolveTaskLimits({}, config)).toMatchObject({ memoryLimitMb: 128, timeoutMs: 500, minInstances: 0, maxInstances: 8, maxConcurrency: 8 });
    expect(resolveTaskLimits({ memory_limit_mb: '4096', timeout_ms: '99999' }, config)).toMatchObject({ memoryLimitMb: 256, timeoutMs: 1000 });
    expect(() => resolveTaskLimits({ max_instances: '0' }, config)).toThrow(/artifact_spec\.metadata\.max_instances/);
    expect(() => resolveTaskLimits({ min_instances: '9', max_instances: '2' }, config)).toThrow(/min_instances: must not exceed/);
  });
});
