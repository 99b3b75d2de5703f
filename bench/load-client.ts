/**
 * The load generator, run as a child process (see client-process.ts) so that the client's own CPU
 * is not charged to the server under test: the server and the peers' handlers run in the parent.
 * Answers commands over IPC; every call's response is checked, and a run with a failed call is
 * reported as an error rather than as a figure.
 */
import { FunctionClient } from '../src/client/function-client.js';
import type { InvokeFunctionRequest } from '../src/generated/spearlet/InvokeFunctionRequest.js';
import { closeAgents, postJson } from './http-load.js';
import { closedLoop, elapsedMs, summarize } from './stats.js';

export type ClientCommand =
  | { kind: 'invoke'; target: string; request: InvokeFunctionRequest; count: number; concurrency: number; warmup: number }
  | { kind: 'cold'; target: string; count: number; gapMs: number; sourceTemplate: string; tag: string }
  /** Closed-loop POSTs of `body` to `url`, whose JSON answer must be `{ result: expect }`. */
  | { kind: 'http'; url: string; body: string; expect: unknown; count: number; concurrency: number; warmup: number }
  /** First calls of new code: POST `{ source, params }` to `${url}/<unique id>/handler`, one every `gapMs`. */
  | { kind: 'httpCold'; url: string; count: number; gapMs: number; sourceTemplate: string; params: unknown; expect: unknown }
  | { kind: 'close' };

export interface ClientMessage {
  id: number;
  command: ClientCommand;
}

const clients = new Map<string, FunctionClient>();
const clientFor = (target: string): FunctionClient => {
  let c = clients.get(target);
  if (!c) {
    c = new FunctionClient(target);
    clients.set(target, c);
  }
  return c;
};

/** `{{N}}` in the template becomes a number unique to each cold task. */
const fill = (template: string, n: number) => template.replaceAll('{{N}}', String(n));

async function invokeChecked(client: FunctionClient, request: InvokeFunctionRequest): Promise<void> {
  const res = await client.invoke(request);
  if (!res.success) throw new Error(`call failed: ${res.message} ${res.result?.errorCode ?? ''} ${res.result?.errorMessage ?? ''}`);
}

async function expectResult(answer: Promise<unknown>, expected: unknown): Promise<void> {
  // workerd's front worker answers { result }; spearlet's HTTP trigger answers the value itself.
  const body = await answer;
  const got = typeof body === 'object' && body !== null && 'result' in body ? (body as { result: unknown }).result : body;
  if (got !== expected) throw new Error(`expected result ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
}

async function handle(command: ClientMessage['command']): Promise<unknown> {
  switch (command.kind) {
    case 'invoke': {
      const client = clientFor(command.target);
      return closedLoop(() => invokeChecked(client, command.request), command.count, command.concurrency, command.warmup);
    }
    case 'cold': {
      const client = clientFor(command.target);
      const latencies: number[] = [];
      let busyMs = 0;
      for (let i = 0; i < command.count; i++) {
        await new Promise((r) => setTimeout(r, command.gapMs));
        const n = Date.now() * 1000 + i;
        const source = fill(command.sourceTemplate, n);
        const request: InvokeFunctionRequest = {
          invocationType: 'INVOCATION_TYPE_NEW_TASK',
          taskName: `${command.tag}-${n}`,
          artifactSpec: { artifactType: 'javascript', location: `data:text/javascript;base64,${Buffer.from(source).toString('base64')}` },
        };
        const t = process.hrtime.bigint();
        await invokeChecked(client, request);
        const ms = elapsedMs(t);
        latencies.push(ms);
        busyMs += ms;
      }
      return summarize(latencies, busyMs);
    }
    case 'http':
      return closedLoop(() => expectResult(postJson(command.url, command.body, command.concurrency), command.expect), command.count, command.concurrency, command.warmup);
    case 'httpCold': {
      const latencies: number[] = [];
      let busyMs = 0;
      for (let i = 0; i < command.count; i++) {
        await new Promise((r) => setTimeout(r, command.gapMs));
        const n = Date.now() * 1000 + i;
        const body = JSON.stringify({ source: fill(command.sourceTemplate, n), params: command.params });
        const t = process.hrtime.bigint();
        await expectResult(postJson(`${command.url}/cold-${n}/handler`, body), command.expect);
        const ms = elapsedMs(t);
        latencies.push(ms);
        busyMs += ms;
      }
      return summarize(latencies, busyMs);
    }
    case 'close':
      closeAgents();
      for (const c of clients.values()) c.close();
      clients.clear();
      return undefined;
  }
}

process.on('message', (msg: ClientMessage) => {
  handle(msg.command).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err: Error) => process.send!({ id: msg.id, ok: false, error: err.message }),
  );
});
process.send!({ id: 0, ok: true, result: 'ready' });
