/**
 * The seccomp filter's verdicts, by running its BPF program on seccomp_data as the kernel does
 * (the escape tests run it for real where bubblewrap is installed; this runs everywhere).
 */
import { describe, expect, it } from 'vitest';
import { seccompFilter } from '../../../../src/sandbox/os/seccomp-filter.js';

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const ALLOW = 0x7fff0000;
const KILL = 0x80000000;
const errno = (e: number) => 0x00050000 | e;

/** A classic-BPF interpreter for the instructions the filter uses (ld abs, jeq, jge, jset, ret). */
function verdict(prog: Buffer, nr: number, arch = X86_64, arg0 = 0): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(nr >>> 0, 0);
  data.writeUInt32LE(arch >>> 0, 4);
  data.writeUInt32LE(arg0 >>> 0, 16);
  let a = 0;
  for (let pc = 0; pc < prog.length / 8; pc++) {
    const code = prog.readUInt16LE(pc * 8);
    const jt = prog.readUInt8(pc * 8 + 2);
    const jf = prog.readUInt8(pc * 8 + 3);
    const k = prog.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) a = data.readUInt32LE(k);
    else if (code === 0x06) return k;
    else if (code === 0x15) pc += a === k ? jt : jf;
    else if (code === 0x35) pc += a >= k ? jt : jf;
    else if (code === 0x45) pc += (a & k) !== 0 ? jt : jf;
    else throw new Error(`unexpected BPF code ${code}`);
  }
  throw new Error('the program fell off its end');
}

describe('seccomp filter (x86_64)', () => {
  const prog = seccompFilter('x64')!;

  it('allows what a Node worker does', () => {
    for (const nr of [0 /* read */, 1 /* write */, 9 /* mmap */, 202 /* futex */, 232 /* epoll_wait */, 59 /* execve */, 57 /* fork */, 62 /* kill */]) expect(verdict(prog, nr), String(nr)).toBe(ALLOW);
    expect(verdict(prog, 41, X86_64, 1), 'socket(AF_UNIX)').toBe(ALLOW);
    expect(verdict(prog, 56, X86_64, 0x003d0f00), 'clone of a thread').toBe(ALLOW);
  });

  it('denies ptrace, mount, namespaces, bpf, keyrings and sockets other than AF_UNIX with EPERM', () => {
    for (const nr of [101 /* ptrace */, 165 /* mount */, 272 /* unshare */, 308 /* setns */, 321 /* bpf */, 250 /* keyctl */, 298 /* perf_event_open */, 310 /* process_vm_readv */]) expect(verdict(prog, nr), String(nr)).toBe(errno(1));
    expect(verdict(prog, 41, X86_64, 2), 'socket(AF_INET)').toBe(errno(1));
    expect(verdict(prog, 41, X86_64, 16), 'socket(AF_NETLINK)').toBe(errno(1));
    expect(verdict(prog, 56, X86_64, 0x10000000), 'clone(CLONE_NEWUSER)').toBe(errno(1));
  });

  it('answers ENOSYS for clone3 and io_uring, so glibc and libuv fall back', () => {
    for (const nr of [435, 425, 426, 427]) expect(verdict(prog, nr), String(nr)).toBe(errno(38));
  });

  it('kills a call from another ABI (i386, x32)', () => {
    expect(verdict(prog, 26, I386)).toBe(KILL);
    expect(verdict(prog, 0x40000000 + 101)).toBe(KILL);
  });

  it('is not built for other architectures', () => {
    expect(seccompFilter('arm64')).toBeUndefined();
  });
});
