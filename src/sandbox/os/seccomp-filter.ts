/**
 * The seccomp filter of sandbox workers, as the classic BPF program bubblewrap's `--seccomp FD`
 * installs (no maintained filter compiler exists for Node without compiling a native addon, and
 * the program is short: a deny list).
 *
 * It denies what a Node worker never needs: debugging other processes (ptrace, process_vm_*),
 * mounting and namespaces (mount, pivot_root, unshare, setns, clone with CLONE_NEW*), kernel
 * keyrings, bpf, perf, userfaultfd, io_uring, kernel modules, kexec, reboot, swap, clocks, and
 * every socket but AF_UNIX (its channel to the server is a UNIX socket). Denied calls fail with
 * EPERM (ENOSYS for clone3 and io_uring, so that glibc and libuv fall back to what is allowed).
 * A call from another ABI (x32, i386 on x86_64) kills the process.
 *
 * Built for x86_64 only; `seccompFilter()` returns undefined elsewhere and the layer is reported off.
 */

// BPF instruction classes and fields (linux/filter.h, linux/bpf_common.h).
const BPF_LD_W_ABS = 0x20;
const BPF_JMP_JEQ_K = 0x15;
const BPF_JMP_JGE_K = 0x35;
const BPF_JMP_JSET_K = 0x45;
const BPF_RET_K = 0x06;
// seccomp_data offsets: nr, arch, instruction_pointer, args[6] (64-bit each, low half first on LE).
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ERRNO = 0x00050000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;
const ENOSYS = 38;
const AF_UNIX = 1;
const CLONE_NEW_ANY = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

/** x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
const X86_64 = {
  socket: 41,
  clone: 56,
  clone3: 435,
  denied: {
    ptrace: 101, process_vm_readv: 310, process_vm_writev: 311, kcmp: 312,
    mount: 165, umount2: 166, pivot_root: 155, chroot: 161, unshare: 272, setns: 308,
    open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, mount_setattr: 442,
    open_by_handle_at: 304, name_to_handle_at: 303,
    bpf: 321, perf_event_open: 298, userfaultfd: 323, keyctl: 250, add_key: 248, request_key: 249,
    init_module: 175, finit_module: 313, delete_module: 176, kexec_load: 246, kexec_file_load: 320,
    reboot: 169, swapon: 167, swapoff: 168, acct: 163, syslog: 103, quotactl: 179,
    settimeofday: 164, clock_settime: 227, clock_adjtime: 305, adjtimex: 159,
  } as Record<string, number>,
  unsupported: { io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427 } as Record<string, number>,
};

/** The system calls the filter denies by name (for the docs and the status). */
export const SECCOMP_DENIED = [...Object.keys(X86_64.denied), ...Object.keys(X86_64.unsupported), 'clone3', 'clone(CLONE_NEW*)', 'socket(not AF_UNIX)'];

type Insn = [code: number, jt: number, jf: number, k: number];

/** The filter as bytes of `struct sock_filter[]`, or undefined on an architecture it is not built for. */
export function seccompFilter(arch: string = process.arch): Buffer | undefined {
  if (arch !== 'x64') return undefined;
  const t = X86_64;
  const errno = (e: number): Insn => [BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | e];
  const prog: Insn[] = [
    [BPF_LD_W_ABS, 0, 0, OFFSET_ARCH],
    [BPF_JMP_JEQ_K, 1, 0, AUDIT_ARCH_X86_64],
    [BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS],
    [BPF_LD_W_ABS, 0, 0, OFFSET_NR],
    [BPF_JMP_JGE_K, 0, 1, X32_SYSCALL_BIT],
    [BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS],
  ];
  for (const nr of Object.values(t.denied)) prog.push([BPF_JMP_JEQ_K, 0, 1, nr], errno(EPERM));
  for (const nr of [...Object.values(t.unsupported), t.clone3]) prog.push([BPF_JMP_JEQ_K, 0, 1, nr], errno(ENOSYS));
  // clone: allowed unless it asks for a new namespace. The accumulator is reloaded with nr after.
  prog.push([BPF_JMP_JEQ_K, 0, 4, t.clone], [BPF_LD_W_ABS, 0, 0, OFFSET_ARG0_LOW], [BPF_JMP_JSET_K, 0, 1, CLONE_NEW_ANY], errno(EPERM), [BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  // socket: AF_UNIX only.
  prog.push([BPF_JMP_JEQ_K, 0, 4, t.socket], [BPF_LD_W_ABS, 0, 0, OFFSET_ARG0_LOW], [BPF_JMP_JEQ_K, 1, 0, AF_UNIX], errno(EPERM), [BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  prog.push([BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  const out = Buffer.alloc(prog.length * 8);
  prog.forEach(([code, jt, jf, k], i) => {
    out.writeUInt16LE(code, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return out;
}
