/**
 * The parent's handle on the load-generator child process (load-client.ts): forks it with the same
 * loader flags as this process and turns its IPC replies into promises.
 */
import type { ChildProcess } from 'node:child_process';
import type { InvokeFunctionRequest } from '../src/generated/spearlet/InvokeFunctionRequest.js';
import { forkBenchChild } from './bench-child.js';
import type { ClientMessage } from './load-client.js';
import type { LatencySummary } from './stats.js';

export class LoadClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`load client exited with ${code}`));
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadClient> {
    return new LoadClient(await forkBenchChild('./load-client.ts', 'load client'));
  }

  private send<T>(command: ClientMessage['command']): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command } satisfies ClientMessage);
    });
  }

  /** Closed-loop SYNC invocations of one request. */
  invoke(target: string, request: InvokeFunctionRequest, count: number, concurrency: number, warmup: number): Promise<LatencySummary> {
    return this.send({ kind: 'invoke', target, request, count, concurrency, warmup });
  }

  /** First invocations of `count` new tasks, one every `gapMs`; `{{N}}` in the source makes each one new. */
  cold(target: string, sourceTemplate: string, count: number, gapMs: number, tag: string): Promise<LatencySummary> {
    return this.send({ kind: 'cold', target, sourceTemplate, count, gapMs, tag });
  }

  /** Closed-loop HTTP POSTs of a JSON body whose answer must be `{ result: expect }`. */
  http(url: string, body: unknown, expect: unknown, count: number, concurrency: number, warmup: number): Promise<LatencySummary> {
    return this.send({ kind: 'http', url, body: JSON.stringify(body), expect, count, concurrency, warmup });
  }

  /** First HTTP calls of `count` new pieces of code, one every `gapMs` (see load-client.ts). */
  httpCold(url: string, sourceTemplate: string, params: unknown, expect: unknown, count: number, gapMs: number): Promise<LatencySummary> {
    return this.send({ kind: 'httpCold', url, sourceTemplate, params, expect, count, gapMs });
  }

  async close(): Promise<void> {
    await this.send({ kind: 'close' }).catch(() => undefined);
    this.child.disconnect();
    this.child.kill();
  }
}
