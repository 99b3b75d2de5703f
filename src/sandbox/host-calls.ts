/**
 * The sandbox worker's side of guest host calls (fetch, KV): a guest's call becomes a `host`
 * message to the server, and the promise given to the runtime settles with the `hostReply`.
 * Calls still waiting when their execution ends are rejected, so nothing waits for good.
 */
import type { WireGuestError } from '../capabilities/guest-error.js';
import type { FromWorker, ToWorker } from './protocol.js';

interface Waiting {
  resolve(value: unknown): void;
  reject(error: WireGuestError): void;
}

export class HostCalls {
  private nextReq = 1;
  /** By call id, then request id. */
  private readonly waiting = new Map<number, Map<number, Waiting>>();

  constructor(private readonly send: (message: FromWorker) => void) {}

  ask(id: number, op: string, payload: unknown): Promise<unknown> {
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      let ofCall = this.waiting.get(id);
      if (!ofCall) this.waiting.set(id, (ofCall = new Map()));
      ofCall.set(req, { resolve, reject });
      this.send({ type: 'host', id, req, op, payload });
    });
  }

  answer(m: Extract<ToWorker, { type: 'hostReply' }>): void {
    const ofCall = this.waiting.get(m.id);
    const w = ofCall?.get(m.req);
    if (!ofCall || !w) return;
    ofCall.delete(m.req);
    if (m.ok) w.resolve(m.value);
    else w.reject(m.error);
  }

  /** The call ended: whatever it still waits for is rejected. */
  end(id: number): void {
    const ofCall = this.waiting.get(id);
    if (!ofCall) return;
    this.waiting.delete(id);
    for (const w of ofCall.values()) w.reject({ name: 'AbortError', message: 'the execution has ended' });
  }
}
