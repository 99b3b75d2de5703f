/**
 * WASI preview1 (`wasi_snapshot_preview1`) as JavaScript source that runs INSIDE the isolate, next
 * to the guest's Wasm instance. Nothing here reaches the host except through the three callbacks
 * the runner passes in (`log`, `chunk`, `random`); there are no files, no preopened directories and
 * no sockets, so every file or socket call answers with a WASI errno.
 *
 * `WASI_SOURCE` is a function expression `createWasi(host)` returning
 * `{ imports, bind(memory), begin(call), end() }`; see guest-runner.ts for how it is driven.
 */

import { TEXT_SOURCE } from './wasi-text.js';

/** Every function of wasi_snapshot_preview1; importing anything else is refused at analysis. */
export const WASI_FUNCTIONS: readonly string[] = [
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
  'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
  'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get', 'sock_accept',
  'sock_recv', 'sock_send', 'sock_shutdown',
];

export const WASI_MODULE = 'wasi_snapshot_preview1';

/** WASI errno values used below (preview1 `errno` enum). */
export const WasiErrno = { SUCCESS: 0, BADF: 8, FAULT: 21, INVAL: 28, NOSYS: 52, NOTSOCK: 57, NOTSUP: 58, SPIPE: 70, NOTCAPABLE: 76 } as const;

// The guest code below has no template literals of its own, so it can live in one. Every pointer
// is an unsigned i32 (`>>> 0`).
export const WASI_SOURCE = /* js */ `
function createWasi(host) {
  ${TEXT_SOURCE}
  const E = ${JSON.stringify(WasiErrno)};
  const RIGHTS_STDIN = 2n | (1n << 27n);   // fd_read | poll_fd_readwrite
  const RIGHTS_STDOUT = 64n | (1n << 27n); // fd_write | poll_fd_readwrite
  class WasiExit { constructor(code) { this.code = code; } }
  class Fault {}
  let memory = null;
  let s = null; // per-call state, see begin()

  function buffer() {
    if (memory === null) throw new Error('WASI needs the module to export its memory as "memory"');
    return memory.buffer;
  }
  function check(ptr, len) {
    const buf = buffer();
    if (ptr + len > buf.byteLength) throw new Fault();
    return buf;
  }
  function view(ptr, len) { return new DataView(check(ptr, len)); }
  function bytes(ptr, len) { return new Uint8Array(check(ptr, len), ptr, len); }
  function getU32(ptr) { return view(ptr, 4).getUint32(ptr, true); }
  function setU32(ptr, v) { view(ptr, 4).setUint32(ptr, v, true); }
  function setU64(ptr, v) { view(ptr, 8).setBigUint64(ptr, BigInt.asUintN(64, BigInt(v)), true); }

  function isOpen(fd) { return s !== null && fd >= 0 && fd <= 2 && !s.closed[fd]; }
  // errno for an operation stdio cannot do: the fd lacks the right, or is not open at all.
  function noRight(fd) { return isOpen(fd >>> 0) ? E.NOTCAPABLE : E.BADF; }
  function notSocket(fd) { return isOpen(fd >>> 0) ? E.NOTSOCK : E.BADF; }

  function emitLine(text) {
    if (s.logLines++ < s.maxLogLines) host.log(text);
  }

  function nowNs(id) {
    const ms = Date.now();
    if (id === 0) return BigInt(ms) * 1000000n;
    const sinceStart = BigInt(Math.max(0, ms - s.startMs)) * 1000000n;
    if (id === 1) {
      const t = s.monoNs + sinceStart;
      s.lastMono = t > s.lastMono ? t : s.lastMono;
      return s.lastMono;
    }
    if (id === 2 || id === 3) return sinceStart;
    return null;
  }
  function sleepMs(ms) {
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
  function strings(list, countPtr, sizePtr) {
    let size = 0;
    for (const b of list) size += b.length + 1;
    setU32(countPtr >>> 0, list.length);
    setU32(sizePtr >>> 0, size);
    return E.SUCCESS;
  }
  function writeStrings(list, ptrs, buf) {
    ptrs >>>= 0; buf >>>= 0;
    for (let i = 0; i < list.length; i++) {
      setU32(ptrs + 4 * i, buf);
      bytes(buf, list[i].length + 1).set(list[i]);
      bytes(buf + list[i].length, 1)[0] = 0;
      buf += list[i].length + 1;
    }
    return E.SUCCESS;
  }
  function iovecs(iovs, count) {
    const out = [];
    iovs >>>= 0; count >>>= 0;
    check(iovs, 8 * count); // a bogus count faults at once instead of walking memory
    for (let i = 0; i < count; i++) out.push([getU32(iovs + 8 * i), getU32(iovs + 8 * i + 4)]);
    return out;
  }

  const fns = {
    args_sizes_get: (c, b) => strings(s.args, c, b),
    args_get: (p, b) => writeStrings(s.args, p, b),
    environ_sizes_get: (c, b) => strings(s.env, c, b),
    environ_get: (p, b) => writeStrings(s.env, p, b),
    clock_res_get(id, ptr) {
      if (nowNs(id) === null) return E.INVAL;
      setU64(ptr >>> 0, 1000000n);
      return E.SUCCESS;
    },
    clock_time_get(id, precision, ptr) {
      const t = nowNs(id);
      if (t === null) return E.INVAL;
      setU64(ptr >>> 0, t);
      return E.SUCCESS;
    },
    fd_read(fd, iovs, count, nread) {
      if (fd !== 0 || !isOpen(0)) return E.BADF;
      let n = 0;
      for (const [ptr, len] of iovecs(iovs, count)) {
        const take = Math.min(len, s.stdin.length - s.stdinPos);
        bytes(ptr, take).set(s.stdin.subarray(s.stdinPos, s.stdinPos + take));
        s.stdinPos += take; n += take;
        if (take < len) break;
      }
      setU32(nread >>> 0, n);
      return E.SUCCESS;
    },
    fd_write(fd, iovs, count, nwritten) {
      if ((fd !== 1 && fd !== 2) || !isOpen(fd)) return E.BADF;
      const parts = [];
      let n = 0;
      for (const [ptr, len] of iovecs(iovs, count)) { parts.push(bytes(ptr, len).slice()); n += len; }
      const data = parts.length === 1 ? parts[0] : concatBytes(parts, n);
      if (fd === 1 && s.collectStdout) {
        s.stdout.push(data); s.stdoutBytes += n;
        if (s.streaming && n > 0) host.chunk(data);
      } else {
        s.lines[fd].write(data);
      }
      setU32(nwritten >>> 0, n);
      return E.SUCCESS;
    },
    fd_close(fd) {
      if (!isOpen(fd >>> 0)) return E.BADF;
      s.closed[fd] = true;
      return E.SUCCESS;
    },
    fd_fdstat_get(fd, ptr) {
      fd >>>= 0;
      if (!isOpen(fd)) return E.BADF;
      ptr >>>= 0;
      bytes(ptr, 24).fill(0);
      bytes(ptr, 1)[0] = 2; // CHARACTER_DEVICE
      setU64(ptr + 8, fd === 0 ? RIGHTS_STDIN : RIGHTS_STDOUT);
      return E.SUCCESS;
    },
    fd_filestat_get(fd, ptr) {
      if (!isOpen(fd >>> 0)) return E.BADF;
      ptr >>>= 0;
      bytes(ptr, 64).fill(0);
      bytes(ptr + 16, 1)[0] = 2;
      setU64(ptr + 24, 1);
      return E.SUCCESS;
    },
    fd_seek: (fd) => (isOpen(fd >>> 0) ? E.SPIPE : E.BADF),
    fd_tell: (fd) => (isOpen(fd >>> 0) ? E.SPIPE : E.BADF),
    fd_pread: (fd) => (isOpen(fd >>> 0) ? E.SPIPE : E.BADF),
    fd_pwrite: (fd) => (isOpen(fd >>> 0) ? E.SPIPE : E.BADF),
    fd_sync: (fd) => (isOpen(fd >>> 0) ? E.INVAL : E.BADF),
    fd_datasync: (fd) => (isOpen(fd >>> 0) ? E.INVAL : E.BADF),
    fd_fdstat_set_flags: (fd) => (isOpen(fd >>> 0) ? E.NOTSUP : E.BADF),
    fd_renumber: (fd, to) => (isOpen(fd >>> 0) && isOpen(to >>> 0) ? E.NOTSUP : E.BADF),
    // No preopened directories: fd 3 is not open, which ends libc's preopen scan.
    fd_prestat_get: () => E.BADF,
    fd_prestat_dir_name: () => E.BADF,
    poll_oneoff(inPtr, outPtr, nsubs, neventsPtr) {
      inPtr >>>= 0; outPtr >>>= 0; nsubs >>>= 0;
      if (nsubs === 0) return E.INVAL;
      const ready = [];
      const timers = [];
      for (let i = 0; i < nsubs; i++) {
        const at = inPtr + 48 * i;
        const v = view(at, 48);
        const userdata = v.getBigUint64(at, true);
        const tag = v.getUint8(at + 8);
        if (tag === 0) {
          const id = v.getUint32(at + 16, true);
          const timeout = v.getBigUint64(at + 24, true);
          const now = nowNs(id);
          if (now === null) { ready.push({ userdata, error: E.INVAL, type: 0, nbytes: 0n }); continue; }
          const wait = v.getUint16(at + 40, true) & 1 ? timeout - now : timeout;
          timers.push({ userdata, error: 0, type: 0, nbytes: 0n, wait: wait > 0n ? wait : 0n });
        } else if (tag === 1 || tag === 2) {
          const fd = v.getUint32(at + 16, true);
          const ok = tag === 1 ? fd === 0 && isOpen(0) : (fd === 1 || fd === 2) && isOpen(fd);
          const nbytes = tag === 1 && ok ? BigInt(s.stdin.length - s.stdinPos) : 0n;
          ready.push({ userdata, error: ok ? 0 : E.BADF, type: tag, nbytes });
        } else {
          return E.INVAL;
        }
      }
      if (ready.length > 0) {
        for (const t of timers) if (t.wait === 0n) ready.push(t);
      } else {
        let min = timers[0].wait;
        for (const t of timers) if (t.wait < min) min = t.wait;
        sleepMs(Number(min) / 1e6);
        for (const t of timers) if (t.wait <= min) ready.push(t);
      }
      bytes(outPtr, 32 * ready.length).fill(0);
      ready.forEach((e, j) => {
        const at = outPtr + 32 * j;
        const v = view(at, 32);
        v.setBigUint64(at, e.userdata, true);
        v.setUint16(at + 8, e.error, true);
        v.setUint8(at + 10, e.type);
        v.setBigUint64(at + 16, e.nbytes, true);
      });
      setU32(neventsPtr >>> 0, ready.length);
      return E.SUCCESS;
    },
    proc_exit(code) {
      s.exitCode = code >>> 0;
      throw new WasiExit(s.exitCode);
    },
    proc_raise: () => E.NOSYS,
    sched_yield: () => E.SUCCESS,
    random_get(ptr, len) {
      ptr >>>= 0; len >>>= 0;
      const target = bytes(ptr, len);
      for (let done = 0; done < len; ) {
        if (s.randomPos >= s.random.length) { s.random = host.random(Math.max(256, len - done)); s.randomPos = 0; }
        const take = Math.min(len - done, s.random.length - s.randomPos);
        target.set(s.random.subarray(s.randomPos, s.randomPos + take), done);
        s.randomPos += take; done += take;
      }
      return E.SUCCESS;
    },
    sock_accept: notSocket,
    sock_recv: notSocket,
    sock_send: notSocket,
    sock_shutdown: notSocket,
  };
  // Everything else (fd_advise, fd_allocate, fd_readdir, fd_filestat_set_*, fd_fdstat_set_rights,
  // path_*) needs a file or directory, which stdio is not and which this sandbox never has.
  const names = ${JSON.stringify(WASI_FUNCTIONS)};
  const imports = {};
  for (const name of names) {
    const impl = fns[name] || noRight;
    imports[name] = function () {
      if (s === null) throw new Error('WASI function ' + name + ' called outside a call');
      if (s.exitCode !== null) throw new WasiExit(s.exitCode); // proc_exit is final, even if caught
      try {
        return impl.apply(null, arguments);
      } catch (e) {
        if (e instanceof Fault) return E.FAULT;
        throw e;
      }
    };
  }

  return {
    imports: { wasi_snapshot_preview1: imports },
    WasiExit,
    bind(mem) { memory = mem; },
    /** Starts a call: stdin bytes, "K=V" env, args, random pool, clock origin, log limits. */
    begin(call, collectStdout) {
      s = {
        stdin: call.stdin || new Uint8Array(0), stdinPos: 0,
        env: call.env.map(utf8Encode), args: call.args.map(utf8Encode),
        random: call.random, randomPos: 0,
        startMs: Date.now(), monoNs: call.monoNs, lastMono: 0n,
        collectStdout, streaming: call.streaming, stdout: [], stdoutBytes: 0,
        lines: { 1: createLineSplitter(emitLine, call.maxLineBytes), 2: createLineSplitter(emitLine, call.maxLineBytes) },
        logLines: 0, maxLogLines: call.maxLogLines,
        closed: [false, false, false], exitCode: null,
      };
    },
    /** Ends a call: flushes partial log lines, returns stdout, the exit code (null: none) and the lines counted but not sent. */
    end() {
      s.lines[1].flush();
      s.lines[2].flush();
      const result = { stdout: concatBytes(s.stdout, s.stdoutBytes), exitCode: s.exitCode, logLinesDropped: Math.max(0, s.logLines - s.maxLogLines) };
      s = null;
      return result;
    },
  };
}
`;
