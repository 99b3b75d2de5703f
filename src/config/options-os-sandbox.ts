/** Options: the OS sandbox around every sandbox worker (docs/security-os-sandbox.md). */
import * as os from 'node:os';
import { group, int, oneOf, option, zeroOr } from './option.js';

export const OS_SANDBOX_MODES = ['required', 'auto', 'off'] as const;
/** required: refuse to start without every OS sandbox layer; auto: use what the host allows; off. */
export type OsSandboxMode = (typeof OS_SANDBOX_MODES)[number];

export const OS_SANDBOX_OPTIONS = group('OS sandbox', [
  option({
    key: 'osSandbox', flag: 'os-sandbox', arg: 'MODE', schema: oneOf(OS_SANDBOX_MODES), default: 'auto', see: 'security-os-sandbox.md',
    help: 'auto uses what the host allows (and warns once about the rest), required refuses to start without every layer, off',
  }),
  // nobody/nogroup on Debian and Ubuntu: owns no files, so the worker can read only world-readable ones.
  option({ key: 'osSandboxUid', flag: 'os-sandbox-uid', arg: 'N', schema: int(1, 2 ** 32 - 2), default: 65534, help: 'the unprivileged user sandbox workers run as when the server is root' }),
  option({ key: 'osSandboxGid', flag: 'os-sandbox-gid', arg: 'N', schema: int(1, 2 ** 32 - 2), default: 65534, help: 'and their group' }),
  option({
    key: 'workerMemoryCeilingMb', flag: 'worker-memory-ceiling-mb', arg: 'N', schema: zeroOr('2 × --worker-memory-limit-mb', 128, 1 << 20), default: 0,
    defaultText: '2 × --worker-memory-limit-mb', help: 'kernel-enforced memory ceiling of one worker (cgroup), above the RSS watchdog so it drains a worker first',
  }),
  option({ key: 'workerPidsMax', flag: 'worker-pids-max', arg: 'N', schema: int(32, 1 << 22), default: 512, help: 'processes and threads one worker may have at once (cgroup pids.max)' }),
  option({ key: 'workerOpenFiles', flag: 'worker-open-files', arg: 'N', schema: int(64, 1 << 20), default: 1024, help: 'open files of one worker (RLIMIT_NOFILE)' }),
  option({ key: 'workerMaxFileMb', flag: 'worker-max-file-mb', arg: 'N', schema: int(1, 1 << 20), default: 16, help: 'largest file a worker may write, MB (RLIMIT_FSIZE; its /tmp is private and small)' }),
  option({
    key: 'tenantCpuPercent', flag: 'tenant-cpu-percent', arg: 'N', schema: int(1, 100 * 1024), defaultText: '100 × (cores − 1)',
    // Every core but one, so one tenant never has all of them.
    default: 100 * Math.max(1, os.availableParallelism() - 1),
    help: "CPU one tenant's workers may use together, in percent of one core (cgroup quota)",
  }),
]);
