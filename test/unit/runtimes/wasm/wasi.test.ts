/**
 * Wasm runtime: WASI preview1 commands. stdin from the parameters, stdout as the result, stderr as
 * log lines, the environment, exit codes, clocks and randomness, and no file system or sockets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OutcomeCodes } from '../../../../src/errors.js';
import { WasiErrno } from '../../../../runtimes/wasm/wasi.js';
import { commandStdin } from '../../../../runtimes/wasm/params.js';
import { instanceOf, newRuntime, run, stdoutOf, valueOf } from './helpers.js';

const runtime = newRuntime();
const watEcho = await instanceOf(runtime, 'wasi-echo.wasm');
const cEcho = await instanceOf(runtime, 'wasi-echo-c.wasm');
const fs = await instanceOf(runtime, 'wasi-fs.wasm');
afterAll(async () => {
  for (const instance of [watEcho, cEcho, fs]) instance.dispose();
  await runtime.close();
});

describe('WAT command', () => {
  it('copies a string parameter from stdin to stdout and logs stderr', async () => {
    const { outcome, logs } = await run(watEcho, '', { args: ['hello, wasm'] });
    expect(outcome.status).toBe('completed');
    expect(valueOf(outcome).kind).toBe('bytes');
    expect(stdoutOf(outcome)).toBe('hello, wasm');
    expect(logs).toEqual(['wat-echo: done']);
  });

  it('takes _start by name too, and raw bytes as stdin', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const { outcome } = await run(watEcho, '_start', { args: [bytes] });
    expect(valueOf(outcome)).toEqual({ kind: 'bytes', value: bytes });
  });

  it('fails with EXIT_CODE when proc_exit gets a non-zero code', async () => {
    const { outcome, logs } = await run(watEcho, '', { args: ['!boom'] });
    expect(outcome).toMatchObject({ status: 'failed', errorCode: OutcomeCodes.EXIT_CODE, errorMessage: 'exited with code 3', instanceUsable: true });
    expect(logs).toEqual(['wat-echo: done']);
    expect(stdoutOf((await run(watEcho, '', { args: ['again'] })).outcome)).toBe('again');
  });
});

describe('C command (clang, wasi-libc)', () => {
  it('echoes stdin, logs stderr with argv[0] = the task id, and reads the environment', async () => {
    const { outcome, logs } = await run(cEcho, '', { args: ['héllo'], env: { GREETING: 'hi' } });
    expect(stdoutOf(outcome)).toBe('hi: héllo');
    expect(logs).toEqual(['echo: read 6 bytes (argv[0]=task-1)']);
  });

  it('passes function_name as argv[0] when given', async () => {
    const { logs } = await run(cEcho, '_start', { args: ['x'] });
    expect(logs).toEqual(['echo: read 1 bytes (argv[0]=_start)']);
  });

  it('gets the JSON object of all parameters when they are not one string or bytes', async () => {
    const params = { n: 1, big: 2n ** 64n, ok: true, data: new Uint8Array([1, 2]), list: [1, 'a'], none: null };
    const { outcome } = await run(cEcho, '', { params });
    expect(stdoutOf(outcome)).toBe('{"n":1,"big":18446744073709551616,"ok":true,"data":"AQI=","list":[1,"a"],"none":null}');
    expect(stdoutOf((await run(cEcho, '', { params: { a: 'x', b: 'y' } })).outcome)).toBe('{"a":"x","b":"y"}');
    expect(stdoutOf((await run(cEcho, '', { params: {} })).outcome)).toBe('{}');
  });

  it.each([
    ['exit:0', 'completed', undefined],
    ['exit:1', 'failed', 'exited with code 1'],
    ['exit:255', 'failed', 'exited with code 255'],
  ])('%s → %s', async (input, status, message) => {
    const { outcome } = await run(cEcho, '', { args: [input] });
    expect(outcome.status).toBe(status);
    expect(outcome.errorMessage).toBe(message);
    if (status === 'failed') expect(outcome.errorCode).toBe(OutcomeCodes.EXIT_CODE);
  });

  it('has no file system: fopen fails inside the guest', async () => {
    const { outcome, logs } = await run(cEcho, '', { args: ['open:/etc/passwd'] });
    expect(outcome).toMatchObject({ status: 'failed', errorMessage: 'exited with code 2' });
    expect(logs[1]).toMatch(/^open \/etc\/passwd failed: /);
  });

  it('gets host randomness, different on every call', async () => {
    const a = stdoutOf((await run(cEcho, '', { args: ['random'] })).outcome);
    const b = stdoutOf((await run(cEcho, '', { args: ['random'] })).outcome);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('reads the realtime and monotonic clocks', async () => {
    const [real, mono] = stdoutOf((await run(cEcho, '', { args: ['time'] })).outcome).split(' ').map(Number);
    expect(Math.abs(real - Date.now() / 1000)).toBeLessThan(5);
    expect(mono).toBeGreaterThan(0);
  });

  it('sleeps through poll_oneoff without spinning', async () => {
    const started = Date.now();
    const { outcome } = await run(cEcho, '', { args: ['sleep:100'] });
    expect(stdoutOf(outcome)).toBe('sleep:100');
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('streams stdout writes as bytes chunks when asked', async () => {
    const { outcome, chunks } = await run(cEcho, '', { args: ['streamed'], streaming: true, env: { GREETING: 'g' } });
    expect(stdoutOf(outcome)).toBe('g: streamed');
    expect(chunks.every((c) => c.kind === 'bytes')).toBe(true);
    expect(Buffer.concat(chunks.map((c) => (c.kind === 'bytes' ? c.value : new Uint8Array()))).toString()).toBe('g: streamed');
  });
});

describe('logs', () => {
  it('splits stderr into lines, cuts long lines and caps the line count', async () => {
    // newRuntime(): 50 lines of at most 200 bytes per call.
    const { outcome, logs } = await run(cEcho, '', { args: ['lines:3'] });
    expect(outcome.status).toBe('completed');
    expect(logs).toEqual(['echo: read 7 bytes (argv[0]=task-1)', 'line 0', 'line 1', 'line 2', 'x'.repeat(200), 'x'.repeat(200), 'x'.repeat(50)]);
    const many = await run(cEcho, '', { args: ['lines:100'] });
    expect(many.logs).toHaveLength(50);
    expect(many.logs[49]).toBe('line 48');
  });
});

describe('reactor', () => {
  it('keeps one instance initialised once, with stdout as logs', async () => {
    const reactor = await instanceOf(runtime, 'wasi-reactor.wasm');
    try {
      const first = await run(reactor, 'hello');
      expect(valueOf(first.outcome)).toEqual({ kind: 'number', value: 101 });
      expect(first.logs).toEqual(['hello from reactor']);
      expect(valueOf((await run(reactor, 'hello')).outcome)).toEqual({ kind: 'number', value: 102 });
    } finally {
      reactor.dispose();
    }
  });
});

describe('file system and sockets', () => {
  it('answers every file and socket call with an errno and never reaches the host', async () => {
    const { outcome } = await run(fs, '');
    const E = WasiErrno;
    expect([...(valueOf(outcome) as { value: Uint8Array }).value]).toEqual([
      E.BADF, // path_open(dirfd 3): no preopened directory
      E.BADF, // fd_prestat_get(3)
      E.NOTCAPABLE, // path_open(dirfd 0): stdin is no directory
      E.BADF, // fd_read(5)
      E.BADF, // fd_write(0): stdin is not writable
      E.NOTSOCK, // sock_accept(0)
      E.SPIPE, // fd_seek(1)
      E.BADF, // path_unlink_file(3)
      E.BADF, // fd_close(7)
      E.NOSYS, // proc_raise
      E.FAULT, // fd_write with iovecs outside memory
      E.FAULT, // random_get into memory that is not there
    ]);
  });
});

describe('commandStdin', () => {
  it('is the raw bytes of exactly one bytes or string parameter', () => {
    expect(commandStdin({ a: 'hé' }, ['hé'])).toEqual(new Uint8Array(Buffer.from('hé')));
    expect(commandStdin({ a: new Uint8Array([9]) }, [new Uint8Array([9])])).toEqual(new Uint8Array([9]));
  });

  it('is the JSON object of the parameters otherwise', () => {
    expect(Buffer.from(commandStdin({ a: 1 }, [1])).toString()).toBe('{"a":1}');
    expect(Buffer.from(commandStdin({ a: NaN, t: { typeUrl: 'x/y', value: new Uint8Array([1]) } }, [NaN, null])).toString()).toBe(
      '{"a":null,"t":{"@type":"x/y","value":"AQ=="}}',
    );
  });
});
