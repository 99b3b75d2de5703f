/**
 * A per-instance deadline timer that is re-armed lazily. Setting and clearing a timer on every
 * call costs more than a short Wasm call itself, so the armed timer is kept across calls: it only
 * moves when a call's deadline is earlier, and when it fires it either expires the running call or
 * re-arms for that call's deadline.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private current: { deadline: number; onExpire: () => void } | undefined;

  /** Watches one call: `onExpire` runs once the epoch-ms `deadline` has passed, unless `clear()` came first. */
  watch(deadline: number, onExpire: () => void): void {
    this.current = { deadline, onExpire };
    if (deadline < this.armedAt) this.arm(deadline);
  }

  /** The call ended; the timer stays armed for the next one. */
  clear(): void {
    this.current = undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
    this.current = undefined;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now()));
    // An idle instance must not keep the process alive; a running call does (isolated-vm holds it).
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const call = this.current;
    if (!call) return;
    if (Date.now() >= call.deadline) {
      this.current = undefined;
      call.onExpire();
    } else {
      this.arm(call.deadline);
    }
  }
}
