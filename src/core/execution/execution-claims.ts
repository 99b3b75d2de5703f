/**
 * Caller-chosen execution ids (idempotent retries): a request whose execution_id names an existing
 * execution is answered with it, and repeats that arrive while the first is still being accepted
 * wait for it, so the function runs once.
 */
import type { Accepted } from './execution-manager.js';
import type { InvokeInput } from './invocation-plan.js';
import { type RequestFingerprint, checkRepeat, fingerprintOf } from './request-fingerprint.js';

export class ExecutionClaims {
  /** Ids between arrival and acceptance. */
  private readonly claims = new Map<string, Promise<Accepted>>();

  /** `existing` finds the execution an id names (live or stored), if any. */
  constructor(private readonly existing: (executionId: string) => Promise<Accepted | undefined>) {}

  /**
   * The execution `requestedId` names, or the new one `acceptNew` accepts under it. Throws what
   * `acceptNew` throws, or ALREADY_EXISTS when the id names an execution of another request.
   */
  async accept(requestedId: string, input: InvokeInput, acceptNew: (fingerprint: RequestFingerprint) => Promise<Accepted>): Promise<Accepted> {
    // A repeated execution_id answers with its execution before anything else is looked at: the
    // retry of a call gets its record even when the task has been deleted since. The id is claimed
    // before the first await, so concurrent repeats meet here rather than each running.
    const fingerprint = fingerprintOf(input);
    const claim = this.claims.get(requestedId);
    if (claim) {
      const first = await claim.catch(() => undefined);
      // The first was refused (nothing stored): this request is judged on its own.
      if (!first) return this.accept(requestedId, input, acceptNew);
      checkRepeat(first.execution, fingerprint);
      return { execution: { ...first.execution }, existing: true, done: first.done };
    }
    const accepted = (async () => {
      const repeated = await this.existing(requestedId);
      if (repeated) {
        checkRepeat(repeated.execution, fingerprint);
        return repeated;
      }
      return acceptNew(fingerprint);
    })();
    this.claims.set(requestedId, accepted);
    try {
      return await accepted;
    } finally {
      this.claims.delete(requestedId);
    }
  }
}
