/**
 * A SYNC request's call riding on the registration of the new task it creates (see FirstCall): it
 * takes its execution slot the moment the task's id and limits are known, without waiting (with
 * no slot free it runs the ordinary way, queued after the registration), and starts on the task's
 * first instance as soon as that instance is built. With sandbox worker processes that saves a
 * round trip to the worker on every new task's first call.
 */
import type { Capabilities } from '../../capabilities/capabilities.js';
import { GuestCall } from '../../capabilities/guest-call.js';
import type { Slot } from '../admission/admission.js';
import type { AdmissionGate } from '../admission/tenant-quotas.js';
import { type FirstCallSource, type InvokeInput, invocationOf } from './invocation-plan.js';
import type { LogBuffer } from './log-buffer.js';
import type { FirstCall, Instance, Outcome } from '../runtime/runtime.js';

/** The first call, started on the instance it runs on. */
export interface StartedCall {
  instance: Instance;
  outcome: Promise<Outcome>;
}

export class RidingCall implements FirstCallSource {
  /** Held from `make` until the execution ends (or `abandon`). */
  slot: Slot | undefined;
  /** When the slot was taken: the execution's start. */
  startedAt = 0;
  /** Set once the registration succeeded with the call running. */
  running: StartedCall | undefined;
  /** The guest capabilities of the call, once it is made. */
  guest: GuestCall | undefined;

  constructor(
    private readonly admission: AdmissionGate,
    private readonly request: { executionId: string; input: InvokeInput; abort: AbortController; logs: LogBuffer; capabilities?: Capabilities },
  ) {}

  make(taskId: string, limits: { maxConcurrency: number }, call: Parameters<FirstCallSource['make']>[2]): FirstCall | undefined {
    const slot = this.admission.tryAcquire(taskId, limits.maxConcurrency);
    if (slot === undefined) return undefined;
    this.slot = slot;
    this.startedAt = Date.now();
    const { executionId, input, abort, logs } = this.request;
    const deadline = this.startedAt + call.timeoutMs;
    // A registration's call: the task's metadata is the request's.
    const guest = new GuestCall(this.request.capabilities, { taskId, metadata: input.artifactSpec?.metadata ?? {}, callEnv: input.context.environment, deadline, signal: abort.signal });
    this.guest = guest;
    return {
      call: invocationOf(input, {
        executionId,
        taskId,
        functionName: input.functionName,
        params: call.params,
        paramList: call.paramList,
        deadline,
        streaming: false,
        env: guest.env,
        secrets: guest.secrets,
      }),
      hooks: guest.hooks({ onLog: (line) => logs.push(line), onChunk: () => {} }),
      signal: abort.signal,
    };
  }

  started(instance: Instance, outcome: Promise<Outcome>): void {
    this.running = { instance, outcome };
  }

  /** The plan was refused: ends the call, if it started, and gives the slot back. */
  abandon(): void {
    this.guest?.close();
    this.running?.instance.dispose();
    this.running = undefined;
    this.slot?.release();
    this.slot = undefined;
  }
}
