/** Options: instances, their scheduling and recycling, and the sandbox worker processes they live in. */
import * as os from 'node:os';
import { group, int, oneOf, option } from './option.js';

export const SCHEDULING_POLICIES = ['round-robin', 'least-loaded', 'warmest'] as const;
export const ISOLATION_MODES = ['process', 'in-process'] as const;
export type SchedulingPolicy = (typeof SCHEDULING_POLICIES)[number];
export type IsolationMode = (typeof ISOLATION_MODES)[number];

export const POOL_OPTIONS = group('Instances and sandbox workers', [
  option({ key: 'maxTotalInstances', flag: 'max-total-instances', arg: 'N', schema: int(1), default: 2000, help: 'live instances across all tasks; least recently used idle ones are evicted to stay under it' }),
  option({ key: 'maxTotalInstanceMemoryMb', flag: 'max-total-instance-memory-mb', arg: 'N', schema: int(8), default: 16 * 1024, help: 'their measured heaps (and Wasm memories) together, same eviction' }),
  option({ key: 'defaultMaxInstancesPerTask', flag: 'default-max-instances-per-task', arg: 'N', schema: int(1), default: 8, help: "instances of one task when the task sets no max_instances" }),
  option({ key: 'maxInstancesPerTask', flag: 'max-instances-per-task', arg: 'N', schema: int(1), default: 64, help: 'cap on a task\'s max_instances' }),
  option({ key: 'prewarmIsolates', flag: 'prewarm-isolates', arg: 'N', schema: int(0, 1000), default: 2, help: 'blank isolates kept ready for new tasks, per memory limit (and per sandbox worker)' }),
  option({ key: 'instanceIdleMs', flag: 'instance-idle-ms', arg: 'N', schema: int(1), default: 300_000, help: "idle instances are disposed after this, down to each task's min_instances" }),
  option({ key: 'recycleAfterExecutions', flag: 'recycle-after-executions', arg: 'N', schema: int(1), default: 10_000, help: 'an instance is replaced after this many calls' }),
  option({ key: 'recycleHeapMb', flag: 'recycle-heap-mb', arg: 'N', schema: int(1), default: 96, help: 'or once its heap is over this after a call' }),
  option({ key: 'schedulingPolicy', flag: 'scheduling-policy', arg: 'POLICY', schema: oneOf(SCHEDULING_POLICIES), default: 'warmest', help: 'which idle instance takes a call' }),
  option({ key: 'isolation', flag: 'isolation', arg: 'MODE', schema: oneOf(ISOLATION_MODES), default: 'process', help: 'process: guest code runs in sandbox worker processes; in-process: in the server (trusted code only)' }),
  option({
    key: 'sandboxWorkers', flag: 'sandbox-workers', arg: 'N', schema: int(1, 256), defaultText: 'one per core, up to 8',
    // Each idle worker costs ~90 MB, and a busy one uses a core anyway.
    default: Math.max(1, Math.min(8, os.availableParallelism())),
    help: 'shared sandbox worker processes',
  }),
  option({ key: 'workerMemoryLimitMb', flag: 'worker-memory-limit-mb', arg: 'N', schema: int(256), default: 4096, help: 'RSS over which a sandbox worker is drained and replaced' }),
  option({ key: 'workerSyncEntryMs', flag: 'worker-sync-entry-ms', arg: 'N', schema: int(0, 1_000), default: 5, help: "a sandbox worker running one call runs a warm call on its own thread when the instance's previous call took at most N ms: faster, but a guest that turns slow holds the worker until its deadline (0: never)", see: 'runtime.md' }),
  option({ key: 'workerNice', flag: 'worker-nice', arg: 'N', schema: int(0, 19), default: 10, help: "CPU niceness of sandbox workers: guest code yields the CPU to the server's own work" }),
  option({ key: 'maxTenantWorkers', flag: 'max-tenant-workers', arg: 'N', schema: int(0, 1024), default: 16, help: 'tenants (ArtifactSpec.metadata tenant) with a sandbox worker of their own at once' }),
]);
