import { describe, expect, it } from 'vitest';
import { match } from '../../../src/conformance/match.js';

describe('conformance matcher', () => {
  it('matches literals, arrays and objects exactly by default', () => {
    expect(match({ a: 1, b: [1, 'x'] }, { a: 1, b: [1, 'x'] })).toEqual([]);
    expect(match({ a: 1 }, { a: 1, b: 2 })).toEqual(['(value): unexpected key(s) b in {"a":1,"b":2}']);
    expect(match([1, 2], [1, 2, 3])).toEqual(['(value): expected 2 element(s) [1,2], got [1,2,3]']);
    expect(match(5, '5')).toEqual(['(value): expected 5, got "5"']);
  });

  it('matches objects as a subset in partial mode, numbers against int64 strings', () => {
    expect(match({ taskId: 't', count: 5 }, { taskId: 't', count: '5', other: true }, 'response', 'partial')).toEqual([]);
    expect(match({ taskId: 'u' }, { taskId: 't' }, 'response', 'partial')).toEqual(['response.taskId: expected "u", got "t"']);
  });

  it('knows its operators', () => {
    expect(match({ $regex: '^line \\d$' }, 'line 3')).toEqual([]);
    expect(match({ $contains: 'careful' }, ['line 0', 'careful'])).toEqual([]);
    expect(match({ $contains: ['a', 'b'] }, 'xaby')).toEqual([]);
    expect(match({ $contains: { tick: 1 } }, [{ tick: 0 }, { tick: 1 }])).toEqual([]);
    expect(match({ $exists: true }, '')).toHaveLength(1);
    expect(match({ $exists: false }, undefined)).toEqual([]);
    expect(match({ $gte: 2 }, '3')).toEqual([]);
    expect(match({ $lt: 2 }, 3)).toHaveLength(1);
    expect(match({ $len: 2 }, [1, 2])).toEqual([]);
    expect(match({ $oneOf: ['PENDING', 'RUNNING'] }, 'RUNNING')).toEqual([]);
    expect(match({ $not: 'x' }, 'x')).toHaveLength(1);
    expect(match({ $type: 'bytes' }, new Uint8Array(1))).toEqual([]);
    expect(match({ $bytes: 'AAEC' }, new Uint8Array([0, 1, 2]))).toEqual([]);
    expect(match({ $bigint: '9007199254740993' }, 9007199254740993n)).toEqual([]);
    expect(match({ $approx: 0.1 }, 0.10000000149011612)).toEqual([]);
    expect(match({ $partial: { a: 1 } }, { a: 1, b: 2 })).toEqual([]);
  });

  it('names the path of each mismatch', () => {
    expect(match({ tasks: [{ name: 'a' }] }, { tasks: [{ name: 'b' }] }, 'response', 'partial')).toEqual(['response.tasks[0].name: expected "a", got "b"']);
  });
});
