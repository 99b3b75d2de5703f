import { describe, expect, it } from 'vitest';
import { fromChannel, toChannel } from '../../../src/sandbox/channel-codec.js';

/** What the other side gets: Node's JSON IPC stringifies the batch and parses it. */
const across = <T extends { type: string }>(batch: T[]): T[] => fromChannel<T>(JSON.parse(JSON.stringify(toChannel(batch))));

describe('the worker channel codec', () => {
  it('sends a warm call and its outcome as plain JSON, and they arrive as they were', () => {
    const batch = [
      { type: 'execute', id: 7, instanceId: 'i-1', call: { functionName: 'add', params: { a: 2, b: 3, nested: { list: [1, 'x', null, true] } }, paramList: [2, 3], env: {}, deadline: 1_700_000_000_000, streaming: false } },
      { type: 'outcome', id: 7, outcome: { status: 'completed', value: { kind: 'json', value: '5' }, instanceUsable: true, cpuTimeUs: 12, memoryUsedBytes: 4096 } },
    ];
    expect(toChannel(batch).map((m) => m.type)).toEqual(['execute', 'outcome']);
    expect(across(batch)).toEqual(batch);
  });

  it('carries what JSON would change as structured clone did: bytes, BigInts, NaN, -0, undefined in a list, a Date, a Map', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    const batch = [
      { type: 'outcome', id: 1, outcome: { status: 'completed', value: { kind: 'bytes', value: new Uint8Array([0, 1, 255]) } } },
      { type: 'execute', id: 2, call: { params: { big: 2n ** 70n, nan: Number.NaN, inf: -Infinity, negZero: -0, list: [1, undefined, 3] } } },
      { type: 'hostReply', id: 3, req: 1, ok: true, value: { when, map: new Map([['k', 1]]) } },
      { type: 'log', id: 3, line: 'plain' },
    ];
    expect(toChannel(batch).map((m) => m.type)).toEqual(['cloned', 'cloned', 'cloned', 'log']);
    const [bytes, execute, reply, log] = across(batch) as unknown as Array<Record<string, never>>;
    const value = (bytes.outcome as { value: { value: Uint8Array } }).value.value;
    expect(value).toBeInstanceOf(Uint8Array);
    expect([...value]).toEqual([0, 1, 255]);
    const params = (execute.call as { params: Record<string, unknown> }).params;
    expect(params.big).toBe(2n ** 70n);
    expect(params.nan).toBeNaN();
    expect(params.inf).toBe(-Infinity);
    expect(Object.is(params.negZero, -0)).toBe(true);
    expect(params.list).toEqual([1, undefined, 3]);
    const got = reply.value as { when: Date; map: Map<string, number> };
    expect(got.when.getTime()).toBe(when.getTime());
    expect(got.map.get('k')).toBe(1);
    expect(log).toEqual({ type: 'log', id: 3, line: 'plain' });
  });

  it('keeps a key named __proto__ an own property, polluting nothing', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const [got] = across([{ type: 'host', id: 1, req: 1, op: 'kv.get', payload }]);
    expect(toChannel([{ type: 'host', payload }])[0].type).toBe('cloned');
    expect(Object.getOwnPropertyDescriptor(got.payload, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never sends a non-enumerable property (the Config secretsKey), and clones the init message whole', () => {
    const config = Object.defineProperty({ maxLogLines: 100, limit: Infinity }, 'secretsKey', { value: 'k', enumerable: false });
    const [init] = across([{ type: 'init', config }]);
    expect(toChannel([{ type: 'init', config }])[0].type).toBe('cloned');
    expect(init.config).toEqual({ maxLogLines: 100, limit: Infinity });
    expect('secretsKey' in init.config).toBe(false);
  });

  it('refuses what cannot be cloned, as structured clone did', () => {
    expect(() => toChannel([{ type: 'host', payload: { f: () => 1 } }])).toThrow(/could not be cloned/);
  });
});
