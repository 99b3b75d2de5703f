/**
 * RemoteRuntime: a Runtime registered in the server under a real runtime's names (its
 * descriptor), whose work is done by sandbox worker processes. The core, the pool and the service
 * see an ordinary Runtime; guest code never runs in the server process.
 */
import type { FirstCall, Instance, InstanceSpec, PreparedTask, Runtime } from '../core/runtime/runtime.js';
import { ErrorCodes, SpearletError } from '../errors.js';
import { RemoteInstance } from './remote-instance.js';
import type { Supervisor } from './supervisor.js';
import { WorkerGoneError } from './worker-failures.js';
import { osSandboxInfo } from './os/os-sandbox-info.js';

export interface RuntimeDescriptor {
  readonly name: string;
  readonly artifactTypes: readonly string[];
}

export class RemoteRuntime implements Runtime {
  readonly name: string;
  readonly artifactTypes: readonly string[];

  constructor(
    descriptor: RuntimeDescriptor,
    /** Shared by every RemoteRuntime of a server. */
    readonly supervisor: Supervisor,
  ) {
    this.name = descriptor.name;
    this.artifactTypes = descriptor.artifactTypes;
  }

  /** The sandbox workers: pids, states, instances and RSS, for GetHealth. */
  systemInfo(): Record<string, string> {
    const workers = this.supervisor.describe();
    return {
      sandbox_workers: String(workers.length),
      sandbox_worker_pids: workers.map((w) => w.pid).join(','),
      sandbox_workers_detail: workers
        .map((w) => `${w.pid}:${w.state}${w.tenant ? `:tenant=${w.tenant}` : ''}:instances=${w.liveInstances}:running=${w.running}:rss=${w.rssBytes}`)
        .join(' '),
      ...osSandboxInfo(this.supervisor.osSandbox),
    };
  }

  /**
   * Analyses on a worker (the tenant's own, if the limits name one), which keeps the instance that
   * load built and starts the first call on it, if one is given, without another round trip. A
   * worker that dies meanwhile is forgiven once (it may have been killed for another reason);
   * twice, and the artifact is refused as INVALID_ARTIFACT.
   */
  async prepare(spec: InstanceSpec, first?: FirstCall): Promise<PreparedTask> {
    for (let attempt = 1; ; attempt++) {
      const instance = new RemoteInstance(this.name, spec, this.supervisor);
      try {
        const { analysis, firstOutcome } = await instance.prepare(first);
        return firstOutcome ? { analysis, instance, firstOutcome } : { analysis, instance };
      } catch (err) {
        if (!(err instanceof WorkerGoneError)) throw err;
        if (attempt >= 2) {
          throw new SpearletError(ErrorCodes.INVALID_ARTIFACT, `artifact_spec.location: validating the artifact ended its sandbox process twice (${err.message})`, {
            field: 'artifact_spec.location',
          });
        }
      }
    }
  }

  async createInstance(spec: InstanceSpec): Promise<Instance> {
    const instance = new RemoteInstance(this.name, spec, this.supervisor);
    await instance.build();
    return instance;
  }

  evict(digest: string): void {
    for (const worker of this.supervisor.live()) worker.evict(this.name, digest);
  }

  /** Stops the workers (shared with the other RemoteRuntimes; idempotent). */
  close(): Promise<void> {
    return this.supervisor.close();
  }
}
