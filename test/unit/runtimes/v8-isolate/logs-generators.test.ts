/**
 * V8 runtime: console output as log lines, and generator functions (streamed or collected).
 */
import { describe, expect, it } from 'vitest';
import { jsonOf, run, sharedInstance } from './helpers.js';

const SOURCE = `
export function logs() {
  console.log('plain', 1, true, null, undefined);
  console.info({ a: 1, b: 'x', list: [1, [2, [3, [4]]]] });
  console.debug(new Uint8Array([1, 2]), 5n, Symbol('s'), function named() {}, -0);
  console.warn('careful');
  console.error(new TypeError('boom').message);
  console.log('%s has %d items', 'cart', 3, 'extra');
  const cyclic = { name: 'c' }; cyclic.self = cyclic;
  console.log(cyclic);
  console.log(new Map([['k', 1]]), new Set(['v']));
}
export async function asyncLogs() {
  console.log('before');
  await new Promise((r) => setTimeout(r, 5));
  console.log('after');
  return 'done';
}
export function many() { for (let i = 0; i < 1000; i++) console.log('line ' + i); return 'ok'; }
export function long() { console.log('x'.repeat(100000)); }
export function* gen(p) { for (let i = 0; i < p.n; i++) yield i; }
export function* mixed() { yield 'text'; yield { a: 1 }; yield new Uint8Array([1, 2]); yield undefined; yield null; }
export async function* agen(p) {
  for (let i = 0; i < p.n; i++) {
    await new Promise((r) => setTimeout(r, 2));
    console.log('producing ' + i);
    yield 'chunk ' + i;
  }
}
export function* failing() { yield 1; throw new Error('stream broke'); }
export function* unserialisable() { yield 1; yield 2n; yield 3; }
export async function* asyncFailing() { yield 'a'; await null; throw new RangeError('async stream broke'); }
`;

const shared = sharedInstance(SOURCE, { maxLogLinesPerExecution: 50, maxLogLineBytes: 200 });

describe('console', () => {
  it('formats arguments like Node, with warn/error prefixes', async () => {
    const { outcome, logs } = await run(shared.instance, 'logs');
    expect(outcome.status).toBe('completed');
    expect(logs).toEqual([
      'plain 1 true null undefined',
      '{ a: 1, b: "x", list: [ 1, [ 2, [Array] ] ] }',
      'Uint8Array(2) [ 1, 2 ] 5n Symbol(s) [Function: named] -0',
      'warn: careful',
      'error: boom',
      'cart has 3 items extra',
      '{ name: "c", self: [Circular] }',
      'Map(1) { "k" => 1 } Set(1) { "v" }',
    ]);
  });

  it('captures logs across awaits and timers', async () => {
    const { outcome, logs } = await run(shared.instance, 'asyncLogs');
    expect(outcome.value).toEqual({ kind: 'string', value: 'done' });
    expect(logs).toEqual(['before', 'after']);
  });

  it('sends at most max lines + 1 per call, so the receiver can mark the cut', async () => {
    const { outcome, logs } = await run(shared.instance, 'many');
    expect(outcome.value).toEqual({ kind: 'string', value: 'ok' });
    expect(logs).toHaveLength(51);
    expect(logs[50]).toBe('line 50');
  });

  it('cuts very long lines to max length + 1', async () => {
    const { logs } = await run(shared.instance, 'long');
    expect(logs[0]).toHaveLength(201);
  });
});

describe('generators', () => {
  it('collects yielded values into a JSON list when not streaming', async () => {
    const { outcome, chunks } = await run(shared.instance, 'gen', { params: { n: 4 } });
    expect(jsonOf(outcome)).toEqual([0, 1, 2, 3]);
    expect(chunks).toEqual([]);
    const mixed = await run(shared.instance, 'mixed');
    expect(jsonOf(mixed.outcome)).toEqual(['text', { a: 1 }, { 0: 1, 1: 2 }, null, null]);
  });

  it('streams each yielded value as an encoded chunk', async () => {
    const { outcome, chunks } = await run(shared.instance, 'mixed', { streaming: true });
    expect(outcome).toMatchObject({ status: 'completed', value: { kind: 'none' } });
    expect(chunks).toEqual([
      { kind: 'string', value: 'text' },
      { kind: 'json', value: '{"a":1}' },
      { kind: 'bytes', value: new Uint8Array([1, 2]) },
      { kind: 'none' },
      { kind: 'json', value: 'null' },
    ]);
  });

  it('streams async generator chunks in order, interleaved with logs', async () => {
    const { outcome, events } = await run(shared.instance, 'agen', { params: { n: 3 }, streaming: true });
    expect(outcome.status).toBe('completed');
    // Each chunk right after the log line written before its yield.
    expect(events).toEqual([0, 1, 2].flatMap((i) => [`log:producing ${i}`, `chunk:chunk ${i}`]));
  });

  it('collects async generator chunks', async () => {
    const { outcome } = await run(shared.instance, 'agen', { params: { n: 3 } });
    expect(jsonOf(outcome)).toEqual(['chunk 0', 'chunk 1', 'chunk 2']);
  });

  it('streams many chunks without losing or reordering any', async () => {
    const { outcome, chunks } = await run(shared.instance, 'gen', { params: { n: 2000 }, streaming: true });
    expect(outcome.status).toBe('completed');
    expect(chunks.map((c) => (c.kind === 'json' ? Number(c.value) : -1))).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('fails when the generator throws, after the chunks before it', async () => {
    const sync = await run(shared.instance, 'failing', { streaming: true });
    expect(sync.chunks).toEqual([{ kind: 'json', value: '1' }]);
    expect(sync.outcome).toMatchObject({ status: 'failed', errorCode: 'FUNCTION_ERROR', errorMessage: 'Error: stream broke' });
    const async = await run(shared.instance, 'asyncFailing', { streaming: true });
    expect(async.chunks).toEqual([{ kind: 'string', value: 'a' }]);
    expect(async.outcome).toMatchObject({ status: 'failed', errorMessage: 'RangeError: async stream broke' });
  });

  it('fails with RESULT_NOT_SERIALIZABLE on a chunk JSON cannot carry', async () => {
    const streamed = await run(shared.instance, 'unserialisable', { streaming: true });
    expect(streamed.chunks).toEqual([{ kind: 'json', value: '1' }]);
    expect(streamed.outcome).toMatchObject({ status: 'failed', errorCode: 'RESULT_NOT_SERIALIZABLE' });
    const collected = await run(shared.instance, 'unserialisable');
    expect(collected.outcome).toMatchObject({ status: 'failed', errorCode: 'RESULT_NOT_SERIALIZABLE' });
  });
});
