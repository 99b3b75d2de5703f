/**
 * V8 runtime: what guest code can see. Nothing of the host leaks in; the globals a function author
 * expects are there and behave; module state persists on one instance; timers work within a call.
 */
import { describe, expect, it } from 'vitest';
import { instanceOf, jsonOf, run, sharedInstance } from './helpers.js';

const SOURCE = `
let counter = 0;
let timerFired = false;
export function count() { return ++counter; }
export function hostReach() {
  const probes = {};
  const attempt = (name, fn) => { try { probes[name] = fn(); } catch (e) { probes[name] = 'threw ' + e.name; } };
  attempt('require', () => typeof require);
  attempt('process', () => typeof process);
  attempt('Buffer', () => typeof Buffer);
  attempt('ivm', () => typeof ivm);
  attempt('WebAssembly', () => typeof WebAssembly);
  attempt('ctorProcess', () => globalThis.constructor.constructor('return typeof process')());
  attempt('functionThis', () => Function('return this')() === globalThis);
  attempt('functionProcess', () => typeof Function('return this')().process);
  attempt('fromHandler', () => (function () { return typeof this; })());
  attempt('callerChain', () => { const sloppy = Function('return typeof arguments.callee.caller'); return sloppy(); });
  attempt('evalWorks', () => eval('1 + 1'));
  const names = Object.getOwnPropertyNames(globalThis);
  probes.suspicious = names.filter((n) => n.startsWith('$') || n.startsWith('_') || /ivm|host|spearlet|require|process|module|exports/i.test(n));
  return probes;
}
export function stackFrames() {
  const original = Error.prepareStackTrace;
  let frames = [];
  Error.prepareStackTrace = (err, callSites) => {
    frames = callSites.map((cs) => ({ fn: typeof cs.getFunction(), self: typeof cs.getThis() }));
    return '';
  };
  new Error('probe').stack;
  Error.prepareStackTrace = original;
  return frames;
}
export async function dynamicImport() { try { await import('node:fs'); return 'imported'; } catch (e) { return 'refused ' + e.name; } }
export async function sleep(p) { const t = Date.now(); await new Promise((r) => setTimeout(r, p.ms)); return Date.now() - t; }
export async function timers() {
  const order = [];
  const cancelled = setTimeout(() => order.push('cancelled'), 5);
  clearTimeout(cancelled);
  setTimeout((a, b) => order.push('timeout ' + a + b), 80, 'x', 'y');
  let ticks = 0;
  await new Promise((resolve) => {
    const id = setInterval(() => { order.push('tick'); if (++ticks === 3) { clearInterval(id); resolve(); } }, 2);
  });
  await new Promise((r) => setTimeout(r, 100));
  queueMicrotask(() => order.push('microtask'));
  order.push('sync');
  await null;
  return order;
}
export function leaveTimer() { setTimeout(() => { timerFired = true; }, 20); return 'left'; }
export function readTimer() { return timerFired; }
export function timerThrows() { return new Promise(() => { setTimeout(() => { throw new TypeError('in timer'); }, 1); }); }
export function text() {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const sample = 'aé€𝄞';
  const bytes = enc.encode(sample);
  let fatal;
  try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); fatal = 'no'; } catch (e) { fatal = e.name; }
  const streaming = new TextDecoder();
  const euro = enc.encode('€');
  const streamed = streaming.decode(euro.subarray(0, 1), { stream: true }) + streaming.decode(euro.subarray(1));
  return {
    bytes: Array.from(bytes),
    roundTrip: dec.decode(bytes) === sample,
    lone: Array.from(enc.encode('\\ud800')),
    invalid: dec.decode(new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82])),
    bom: dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])),
    fatal,
    streamed,
    encoding: dec.encoding,
  };
}
export function base64() {
  let bad;
  try { btoa('€'); bad = 'no'; } catch (e) { bad = e.name; }
  let badInput;
  try { atob('a'); badInput = 'no'; } catch (e) { badInput = e.name; }
  return { encoded: btoa('hello, world'), decoded: atob('aGVsbG8sIHdvcmxk'), padded: atob(' aGk= '), bad, badInput };
}
export function cloning() {
  const source = { when: new Date(0), map: new Map([['k', [1, 2]]]), set: new Set([1]), bytes: new Uint8Array([1, 2]) };
  source.self = source;
  const copy = structuredClone(source);
  let fnError;
  try { structuredClone(() => 1); fnError = 'no'; } catch (e) { fnError = e.name; }
  return {
    distinct: copy !== source && copy.map !== source.map && copy.bytes !== source.bytes,
    cycle: copy.self === copy,
    date: copy.when instanceof Date && copy.when.getTime() === 0,
    map: copy.map.get('k'),
    set: copy.set.has(1),
    bytes: Array.from(copy.bytes),
    fnError,
  };
}
export function randomness() {
  const a = crypto.getRandomValues(new Uint8Array(32));
  const b = crypto.getRandomValues(new Uint32Array(4));
  let quota;
  try { crypto.getRandomValues(new Uint8Array(70000)); quota = 'no'; } catch (e) { quota = e.name; }
  let type;
  try { crypto.getRandomValues(new Float64Array(2)); type = 'no'; } catch (e) { type = e.name; }
  const uuids = new Set(Array.from({ length: 100 }, () => crypto.randomUUID()));
  return {
    nonZero: a.some((x) => x !== 0) && b.some((x) => x !== 0),
    uuid: crypto.randomUUID(),
    unique: uuids.size,
    quota,
    type,
    large: crypto.getRandomValues(new Uint8Array(65536)).some((x) => x !== 0),
  };
}
export function clock() { const a = performance.now(); let x = 0; for (let i = 0; i < 1e5; i++) x += i; return performance.now() >= a && typeof performance.timeOrigin === 'number'; }
`;

const shared = sharedInstance(SOURCE);

describe('isolation', () => {
  it('guest code cannot reach require, process or isolated-vm', async () => {
    const probes = jsonOf((await run(shared.instance, 'hostReach')).outcome);
    expect(probes).toEqual({
      require: 'undefined',
      process: 'undefined',
      Buffer: 'undefined',
      ivm: 'undefined',
      WebAssembly: 'undefined',
      ctorProcess: 'undefined',
      functionThis: true,
      functionProcess: 'undefined',
      fromHandler: 'undefined',
      callerChain: 'object',
      evalWorks: 2,
      suspicious: [],
    });
  });

  it('stack frames expose no functions or receivers of the prelude', async () => {
    const frames = jsonOf((await run(shared.instance, 'stackFrames')).outcome) as Array<{ fn: string; self: string }>;
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) expect(frame).toEqual({ fn: 'undefined', self: 'undefined' });
  });

  it('dynamic import is refused inside the guest', async () => {
    const { outcome } = await run(shared.instance, 'dynamicImport');
    expect(outcome.value).toMatchObject({ kind: 'string' });
    expect(outcome.value?.kind === 'string' && outcome.value.value).toMatch(/^refused /);
  });
});

describe('state and timers', () => {
  it('module state persists across calls on one instance', async () => {
    const other = await instanceOf(shared.runtime, SOURCE);
    const values = [];
    for (let i = 0; i < 3; i++) values.push(jsonOf((await run(other, 'count')).outcome));
    expect(values).toEqual([1, 2, 3]);
    other.dispose();
  });

  it('setTimeout resolves an awaited promise after the delay', async () => {
    const elapsed = jsonOf((await run(shared.instance, 'sleep', { params: { ms: 50 } })).outcome) as number;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('supports clearTimeout, arguments, setInterval and queueMicrotask', async () => {
    expect(jsonOf((await run(shared.instance, 'timers')).outcome)).toEqual(['tick', 'tick', 'tick', 'timeout xy', 'sync', 'microtask']);
  });

  it('timers never outlive the call', async () => {
    expect((await run(shared.instance, 'leaveTimer')).outcome.value).toEqual({ kind: 'string', value: 'left' });
    await new Promise((r) => setTimeout(r, 60));
    expect(jsonOf((await run(shared.instance, 'readTimer')).outcome)).toBe(false);
  });

  it('an exception in a timer callback fails the call', async () => {
    const { outcome } = await run(shared.instance, 'timerThrows', { timeoutMs: 1_000 });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'FUNCTION_ERROR', errorMessage: 'TypeError: in timer', instanceUsable: true });
  });
});

describe('web APIs', () => {
  it('TextEncoder and TextDecoder speak UTF-8', async () => {
    expect(jsonOf((await run(shared.instance, 'text')).outcome)).toEqual({
      bytes: [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9d, 0x84, 0x9e],
      roundTrip: true,
      lone: [0xef, 0xbf, 0xbd],
      invalid: 'a\ufffdb\ufffd',
      bom: 'a',
      fatal: 'TypeError',
      streamed: '€',
      encoding: 'utf-8',
    });
  });

  it('atob and btoa', async () => {
    expect(jsonOf((await run(shared.instance, 'base64')).outcome)).toEqual({
      encoded: 'aGVsbG8sIHdvcmxk',
      decoded: 'hello, world',
      padded: 'hi',
      bad: 'InvalidCharacterError',
      badInput: 'InvalidCharacterError',
    });
  });

  it('structuredClone copies deeply, with cycles', async () => {
    expect(jsonOf((await run(shared.instance, 'cloning')).outcome)).toEqual({
      distinct: true,
      cycle: true,
      date: true,
      map: [1, 2],
      set: true,
      bytes: [1, 2],
      fnError: 'DataCloneError',
    });
  });

  it('crypto.getRandomValues and randomUUID', async () => {
    const r = jsonOf((await run(shared.instance, 'randomness')).outcome) as Record<string, unknown>;
    expect(r).toMatchObject({ nonZero: true, unique: 100, quota: 'QuotaExceededError', type: 'TypeMismatchError', large: true });
    expect(r.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('performance.now', async () => {
    expect(jsonOf((await run(shared.instance, 'clock')).outcome)).toBe(true);
  });
});

describe('large inputs', () => {
  it('TextDecoder decodes megabytes within a small memory limit', async () => {
    const big = await instanceOf(
      shared.runtime,
      `export default () => {
        const bytes = new TextEncoder().encode('héllo wörld '.repeat(200000));
        const text = new TextDecoder().decode(bytes);
        return [bytes.length, text.length, text.slice(0, 12)];
      }`,
      32,
    );
    const { outcome } = await run(big, '', { timeoutMs: 10_000 });
    expect(jsonOf(outcome)).toEqual([2_800_000, 2_400_000, 'héllo wörld ']);
    big.dispose();
  });
});
