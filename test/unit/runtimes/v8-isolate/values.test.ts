/**
 * V8 runtime: results of every kind (sync and async), parameters of every kind, the ctx object,
 * errors thrown by guest code, and results that cannot be serialised.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, SpearletError } from '../../../../src/errors.js';
import { instanceOf, jsonOf, run, sharedInstance } from './helpers.js';

const SOURCE = `
const results = {
  string: () => 'hello',
  emptyString: () => '',
  number: () => 42.5,
  boolean: () => true,
  nullValue: () => null,
  undefinedValue: () => undefined,
  object: () => ({ a: 1, nested: { list: [1, 'two', null] } }),
  array: () => [1, 2, 3],
  bytes: () => new Uint8Array([0, 1, 254, 255]),
  view: () => new Uint8Array(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2),
  buffer: () => new Uint8Array([5, 6, 7]).buffer,
  date: () => new Date(Date.UTC(2024, 0, 2)),
};
export function result(p) { return results[p.kind](); }
export async function asyncResult(p) { await null; return results[p.kind](); }
export function echo(p) {
  const out = {};
  for (const [k, v] of Object.entries(p)) {
    out[k] = {
      type: typeof v,
      isBytes: v instanceof Uint8Array,
      value: typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v,
    };
    if (v && v.typeUrl) out[k].value = { typeUrl: v.typeUrl, bytes: Array.from(v.value) };
  }
  return out;
}
export function context(p, ctx) {
  let frozen = Object.isFrozen(ctx) && Object.isFrozen(ctx.env) && Object.isFrozen(ctx.headers);
  try { ctx.taskId = 'changed'; frozen = false; } catch { /* strict mode: frozen */ }
  return { ...ctx, frozen };
}
export function thrower(p) {
  switch (p.what) {
    case 'type': return null.x;
    case 'custom': { const e = new Error('went wrong'); e.name = 'ValidationError'; throw e; }
    case 'class': { class NotFound extends Error { constructor(m) { super(m); this.name = 'NotFound'; } } throw new NotFound('no such item'); }
    case 'string': throw 'plain string';
    case 'object': throw { code: 7 };
    case 'undefined': throw undefined;
  }
}
export async function asyncThrower() { await null; throw new RangeError('late'); }
export async function rejecter() { return Promise.reject(new SyntaxError('rejected')); }
export function notSerialisable(p) {
  switch (p.what) {
    case 'function': return () => 1;
    case 'symbol': return Symbol('s');
    case 'bigint': return 10n;
    case 'nestedBigint': return { n: 1n };
    case 'cycle': { const o = {}; o.self = o; return o; }
  }
}
export function thenable() { return { then(resolve) { resolve('from thenable'); } }; }
`;

const shared = sharedInstance(SOURCE);

describe('results', () => {
  const expected: Array<[string, unknown]> = [
    ['string', { kind: 'string', value: 'hello' }],
    ['emptyString', { kind: 'string', value: '' }],
    ['number', { kind: 'json', value: '42.5' }],
    ['boolean', { kind: 'json', value: 'true' }],
    ['nullValue', { kind: 'json', value: 'null' }],
    ['undefinedValue', { kind: 'none' }],
    ['object', { kind: 'json', value: '{"a":1,"nested":{"list":[1,"two",null]}}' }],
    ['array', { kind: 'json', value: '[1,2,3]' }],
    ['bytes', { kind: 'bytes', value: new Uint8Array([0, 1, 254, 255]) }],
    ['view', { kind: 'bytes', value: new Uint8Array([8, 7]) }],
    ['buffer', { kind: 'bytes', value: new Uint8Array([5, 6, 7]) }],
    ['date', { kind: 'json', value: '"2024-01-02T00:00:00.000Z"' }],
  ];
  for (const fn of ['result', 'asyncResult']) {
    it.each(expected)(`${fn}: %s`, async (kind, value) => {
      const { outcome } = await run(shared.instance, fn, { params: { kind } });
      expect(outcome).toMatchObject({ status: 'completed', instanceUsable: true });
      expect(outcome.value).toEqual(value);
      expect(outcome.cpuTimeUs).toBeGreaterThanOrEqual(0);
      expect(outcome.memoryUsedBytes).toBeGreaterThan(0);
    });
  }

  it('resolves a thenable', async () => {
    const { outcome } = await run(shared.instance, 'thenable');
    expect(outcome.value).toEqual({ kind: 'string', value: 'from thenable' });
  });
});

describe('parameters', () => {
  it('arrive as structured clones of every kind', async () => {
    const { outcome } = await run(shared.instance, 'echo', {
      params: {
        s: 'text',
        n: 1.5,
        big: 2n ** 70n,
        yes: false,
        nothing: null,
        bytes: new Uint8Array([1, 2, 3]),
        json: { list: [1, { deep: true }], name: 'x' },
        other: { typeUrl: 'type.example.com/Thing', value: new Uint8Array([42]) },
      },
    });
    expect(jsonOf(outcome)).toEqual({
      s: { type: 'string', isBytes: false, value: 'text' },
      n: { type: 'number', isBytes: false, value: 1.5 },
      big: { type: 'bigint', isBytes: false, value: (2n ** 70n).toString() },
      yes: { type: 'boolean', isBytes: false, value: false },
      nothing: { type: 'object', isBytes: false, value: null },
      bytes: { type: 'object', isBytes: true, value: [1, 2, 3] },
      json: { type: 'object', isBytes: false, value: { list: [1, { deep: true }], name: 'x' } },
      other: { type: 'object', isBytes: false, value: { typeUrl: 'type.example.com/Thing', bytes: [42] } },
    });
  });
});

describe('ctx', () => {
  it('holds the invocation fields, frozen', async () => {
    const before = Date.now();
    const { outcome } = await run(shared.instance, 'context', { env: { STAGE: 'test' }, headers: { 'x-trace': 'abc' }, timeoutMs: 5_000 });
    const ctx = jsonOf(outcome) as Record<string, unknown>;
    expect(ctx).toMatchObject({
      taskId: 'task-1',
      functionName: 'context',
      env: { STAGE: 'test' },
      headers: { 'x-trace': 'abc' },
      sessionId: 'session-1',
      userId: 'user-1',
      frozen: true,
    });
    expect(ctx.executionId).toMatch(/^exec-\d+$/);
    expect(ctx.deadline).toBeGreaterThanOrEqual(before + 5_000);
  });

  it('names the default export when function_name is empty', async () => {
    const other = await instanceOf(shared.runtime, 'export default (p, ctx) => ctx.functionName;');
    const { outcome } = await run(other, '');
    expect(outcome.value).toEqual({ kind: 'string', value: 'default' });
    other.dispose();
  });
});

describe('errors', () => {
  it.each([
    ['type', "TypeError: Cannot read properties of null (reading 'x')"],
    ['custom', 'ValidationError: went wrong'],
    ['class', 'NotFound: no such item'],
    ['string', 'Error: plain string'],
    ['object', 'Error: { code: 7 }'],
    ['undefined', 'Error: undefined'],
  ])('a thrown %s fails with FUNCTION_ERROR', async (what, message) => {
    const { outcome } = await run(shared.instance, 'thrower', { params: { what } });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'FUNCTION_ERROR', errorMessage: message, instanceUsable: true });
  });

  it('reports async throws and rejections', async () => {
    expect((await run(shared.instance, 'asyncThrower')).outcome).toMatchObject({ status: 'failed', errorCode: 'FUNCTION_ERROR', errorMessage: 'RangeError: late' });
    expect((await run(shared.instance, 'rejecter')).outcome).toMatchObject({ status: 'failed', errorCode: 'FUNCTION_ERROR', errorMessage: 'SyntaxError: rejected' });
  });

  it.each(['function', 'symbol', 'bigint', 'nestedBigint', 'cycle'])('a %s result is RESULT_NOT_SERIALIZABLE', async (what) => {
    const { outcome } = await run(shared.instance, 'notSerialisable', { params: { what } });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'RESULT_NOT_SERIALIZABLE', instanceUsable: true });
    expect(outcome.errorMessage).toMatch(/^result is not serialisable: /);
  });

  it('rejects an unknown function name with FUNCTION_NOT_FOUND before running anything', async () => {
    const err = await run(shared.instance, 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpearletError);
    expect((err as SpearletError).code).toBe(ErrorCodes.FUNCTION_NOT_FOUND);
    const noDefault = await run(shared.instance, '').catch((e: unknown) => e);
    expect((noDefault as SpearletError).code).toBe(ErrorCodes.FUNCTION_NOT_FOUND);
  });

  it('keeps working after guest errors', async () => {
    await run(shared.instance, 'thrower', { params: { what: 'type' } });
    const { outcome } = await run(shared.instance, 'result', { params: { kind: 'string' } });
    expect(outcome.value).toEqual({ kind: 'string', value: 'hello' });
  });
});
