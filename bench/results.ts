import type { StartupResults } from './startup.js';
/**
 * The shape of a benchmark run's results, as written to bench/results/*.json.
 */
import type { IsolationMode, OsSandboxMode } from '../src/config.js';
import type { OsSandboxFigures } from './os-sandbox.js';
import type { MemoryResult } from './memory.js';
import type { LatencySummary } from './stats.js';
import type { StorageResults } from './storage.js';
import type { TargetResult } from './targets.js';
import type { WorkerdMemory } from './workerd-scenarios.js';

export interface BenchResults {
  date: string;
  quick: boolean;
  runs: number;
  machine: { node: string; platform: string; cpus: number; cpuModel: string; loadAverageAtStart: number[] };
  defaultIsolation: IsolationMode;
  fibN: number;
  spearlet: {
    /** By isolation mode: the default one, and in-process when that is not the default. */
    cold: Partial<Record<IsolationMode, { inServer: LatencySummary; grpc: LatencySummary }>>;
    warm: Partial<Record<IsolationMode, { c1: LatencySummary; c32: LatencySummary; inServer: LatencySummary }>>;
    compute?: LatencySummary;
    /** The same compute-heavy call through the core, without gRPC. */
    computeInServer?: LatencySummary;
    /** The same computation on raw isolated-vm, measured in turn with the two above. */
    computeRaw?: LatencySummary;
    /** The same on raw isolated-vm behind a grpc-js handler, through gRPC, measured in turn. */
    computeRawGrpc?: LatencySummary;
    /** The compute floor of process isolation, in turn: the no-op handler, one IPC hop, raw isolated-vm fib in a child process. */
    computeFloor?: LatencySummary;
    /** fib through the HTTP trigger, in turn with the above. */
    computeHttp?: LatencySummary;
    /** The compute floor of process isolation behind the no-op node:http server, in turn. */
    computeFloorHttp?: LatencySummary;
    wasm?: LatencySummary;
    /** Warm `add` through the HTTP trigger (POST /v1/tasks/...), when the build has one. */
    http?: { c1: LatencySummary; c32: LatencySummary };
    /** The same through the HTTP trigger of the in-process server (no hop to a worker process). */
    httpInProcess?: { c1: LatencySummary; c32: LatencySummary };
    /** Why the Wasm scenario did not run, when it did not. */
    wasmMissing?: string;
    memory: Partial<Record<IsolationMode, MemoryResult>>;
  };
  peers: {
    noopGrpc?: { c1: LatencySummary; c32: LatencySummary };
    /** The no-op handler answering the cold scenario's requests, with the same pause before each. */
    noopAfterPause?: LatencySummary;
    inProcess: Record<string, { add: LatencySummary; fib: LatencySummary }>;
    /** By isolation mode: the no-op handler plus that mode's unavoidable work (FLOOR_TASK in peers.ts). */
    floors: Partial<Record<IsolationMode, { c1: LatencySummary; c32: LatencySummary }>>;
    /** A node:http server that answers a fixed JSON body: the HTTP transport floor. */
    noopHttp?: { c1: LatencySummary; c32: LatencySummary };
    /**
     * The HTTP floor of process isolation: the no-op node:http server that, per request, sends the
     * call over IPC to a floor-child.ts process running `add` on raw isolated-vm, and answers.
     */
    floorHttp?: { c1: LatencySummary; c32: LatencySummary };
    /**
     * The floor of the design proposed for the HTTP trigger: HTTP served by the isolate's own
     * process, raw isolated-vm `add`, the terminal record appended to a log before the answer
     * (worker-http-child.ts).
     */
    floorWorkerHttp?: { c1: LatencySummary; c32: LatencySummary };
    /** Cloudflare's workerd over HTTP/1.1, new code through its Worker Loader (workerd.ts). */
    workerd?: {
      version: string;
      c1?: LatencySummary;
      c32?: LatencySummary;
      cold?: LatencySummary;
      fib?: LatencySummary;
      memory?: WorkerdMemory;
    };
    /** Why workerd was not measured, when it was not. */
    workerdMissing?: string;
  };
  /** CLI, server and sandbox worker start-up (bench/startup.ts). */
  startup?: StartupResults;
  targets: TargetResult[];
  /** The storage scenario (storage.ts). */
  storage?: StorageResults;
  /** By --os-sandbox mode: worker start, replacement and warm figures (bench/os-sandbox.ts). */
  osSandbox?: Partial<Record<OsSandboxMode, OsSandboxFigures>>;
}
