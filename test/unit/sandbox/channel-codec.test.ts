import { describe, expect, it } from 'vitest';
import { FrameReader, encodeFrame } from '../../../src/sandbox/channel-codec.js';

/** Frames written one after the other, read back from chunks cut at `cuts` byte offsets. */
function across(batches: unknown[][], cuts: number[] = []): unknown[][] {
  const bytes = Buffer.concat(batches.map((b) => encodeFrame(b)));
  const got: unknown[][] = [];
  const reader = new FrameReader<unknown>((batch) => got.push(batch));
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(from, at));
    from = at;
  }
  return got;
}

const warm = [
  { type: 'execute', id: 7, instanceId: 'i-1', call: { functionName: 'add', params: { a: 2, b: 3, nested: { list: [1, 'x', null, true] } }, paramList: [2, 3], env: {}, deadline: 1_700_000_000_000, streaming: false } },
  { type: 'outcome', id: 7, outcome: { status: 'completed', value: { kind: 'json', value: '5' }, instanceUsable: true, cpuTimeUs: 12, memoryUsedBytes: 4096 } },
];

describe('the worker channel framing', () => {
  it('sends a warm call and its outcome as JSON, and they arrive as they were', () => {
    expect(encodeFrame(warm)[4]).toBe(0);
    expect(across([warm])).toEqual([warm]);
  });

  it('reassembles frames split across reads and several frames in one read, in order', () => {
    const log = [{ type: 'log', id: 7, line: 'hello' }];
    expect(across([warm, log, warm], [1, 3, 9, 200])).toEqual([warm, log, warm]);
    expect(across([log, log], [])).toEqual([log, log]);
  });

  it('carries what JSON would change as structured clone did: bytes, BigInts, NaN, -0, undefined in a list, a Date, a Map', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    const batch = [
      { type: 'outcome', id: 1, outcome: { status: 'completed', value: { kind: 'bytes', value: new Uint8Array([0, 1, 255]) } } },
      { type: 'execute', id: 2, call: { params: { big: 2n ** 70n, nan: Number.NaN, inf: -Infinity, negZero: -0, list: [1, undefined, 3] } } },
      { type: 'hostReply', id: 3, req: 1, ok: true, value: { when, map: new Map([['k', 1]]) } },
    ];
    expect(encodeFrame(batch)[4]).toBe(1);
    const [[bytes, execute, reply]] = across([batch]) as Array<Array<Record<string, never>>>;
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
  });

  it('sends a long string as V8 data, and it arrives whole', () => {
    const long = 'x'.repeat(100_000);
    const batch = [{ type: 'outcome', id: 1, outcome: { status: 'completed', value: { kind: 'string', value: long } } }];
    expect(encodeFrame(batch)[4]).toBe(1);
    expect(across([batch], [70_000])).toEqual([batch]);
  });

  it('keeps a key named __proto__ an own property, polluting nothing', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const [[got]] = across([[{ type: 'host', id: 1, req: 1, op: 'kv.get', payload }]]) as Array<Array<{ payload: object }>>;
    expect(Object.getOwnPropertyDescriptor(got.payload, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never sends a non-enumerable property (the Config secretsKey)', () => {
    const config = Object.defineProperty({ maxLogLines: 100, limit: Infinity }, 'secretsKey', { value: 'k', enumerable: false });
    const [[init]] = across([[{ type: 'init', config }]]) as Array<Array<{ config: object }>>;
    expect(init.config).toEqual({ maxLogLines: 100, limit: Infinity });
    expect('secretsKey' in init.config).toBe(false);
  });

  it('refuses what cannot be cloned, as structured clone did, and a frame of an unknown kind', () => {
    expect(() => encodeFrame([{ type: 'host', payload: { f: () => 1 } }])).toThrow(/could not be cloned/);
    const reader = new FrameReader<unknown>(() => {});
    expect(() => reader.push(Buffer.from([1, 0, 0, 0, 9]))).toThrow(/unknown frame kind 9/);
  });
});
