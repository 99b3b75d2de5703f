/**
 * What one execution's guest gets from its task's capabilities: the environment (task `env.NAME`
 * keys with the call's context.environment over them), the secrets the task names, and hooks
 * that answer its host calls (fetch, KV) and keep secret values out of its log lines. The
 * CapabilitySession behind the host calls is made on the first one, so a call that uses none
 * pays nothing for it. `close` ends it (requests in flight are aborted).
 */
import type { ExecutionHooks } from '../core/runtime/runtime.js';
import type { Capabilities, CapabilitySession } from './capabilities.js';
import { taskEnvironment } from './task-capabilities.js';

export interface GuestCallOptions {
  taskId: string;
  /** The task's ArtifactSpec.metadata. */
  metadata: Record<string, string>;
  /** The call's context.environment. */
  callEnv: Record<string, string>;
  deadline: number;
  signal: AbortSignal;
}

const NO_METRICS = { egress_requests: '0', egress_bytes: '0' };

export class GuestCall {
  readonly env: Record<string, string>;
  readonly secrets: Record<string, string> | undefined;
  private session: CapabilitySession | undefined;
  private readonly redactions: Array<[string, string]> = [];
  private readonly missing: string[];

  constructor(
    private readonly caps: Capabilities | undefined,
    private readonly o: GuestCallOptions,
  ) {
    const taskEnv = taskEnvironment(o.metadata);
    this.env = Object.keys(taskEnv).length === 0 ? o.callEnv : { ...taskEnv, ...o.callEnv };
    const granted = caps?.secretsFor(o.metadata);
    this.missing = granted?.missing ?? [];
    if (granted && Object.keys(granted.values).length > 0) {
      this.secrets = granted.values;
      for (const [name, value] of Object.entries(granted.values)) if (value.length >= 4) this.redactions.push([value, `[secret ${name}]`]);
    }
  }

  /** The hooks the call runs with, around the execution's own. */
  hooks(base: ExecutionHooks): ExecutionHooks {
    const caps = this.caps;
    const onLog = this.redactions.length === 0 ? base.onLog : (line: string) => base.onLog(this.scrub(line));
    for (const name of this.missing) onLog(`[spearlet] secret '${name}' named by the task's metadata is not set`);
    if (!caps) return { onLog, onChunk: base.onChunk };
    return {
      onLog,
      onChunk: base.onChunk,
      onHostCall: (op, payload) => {
        this.session ??= caps.session({ taskId: this.o.taskId, metadata: this.o.metadata, deadline: this.o.deadline, signal: this.o.signal, log: onLog });
        return this.session.handle(op, payload);
      },
    };
  }

  /** A line with every secret value of the call replaced by its name. */
  scrub(line: string): string {
    let out = line;
    for (const [value, label] of this.redactions) if (out.includes(value)) out = out.split(value).join(label);
    return out;
  }

  /** egress_requests and egress_bytes for ExecutionResult.metrics. */
  metrics(): Record<string, string> {
    return this.session?.metrics() ?? NO_METRICS;
  }

  close(): void {
    this.session?.close();
  }
}
