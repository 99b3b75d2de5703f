/**
 * The peers measured beside spearlet in the same run: a no-op grpc-js handler on the same proto
 * (the transport's floor), and four ways to run the same guest code in-process: raw isolated-vm
 * (spearlet's task module itself), quickjs-emscripten, node:vm and a worker_threads round trip
 * (the same functions as a script). Each in-process peer runs `add` (a trivial call) and `fib`
 * (hot code). The no-op handler also serves each isolation mode's floor (FLOOR_TASK).
 */
import type { ChildProcess } from 'node:child_process';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { getQuickJS } from 'quickjs-emscripten';
import type { IsolationMode } from '../src/config.js';
import { loadProto } from '../src/server/proto.js';
import { forkBenchChild } from './bench-child.js';
import type { FloorReply, FloorRequest } from './floor-child.js';
import { FIB_N, PEER_SCRIPT } from './guests.js';
import { rawTaskModule } from './raw-task-module.js';

/** One way to run the guest functions in this process. */
export interface InProcessPeer {
  readonly name: string;
  add(a: number, b: number): Promise<number>;
  fib(n: number): Promise<number>;
  close(): Promise<void>;
}

/** A call of the process floor: `add({ a, b })`, or `fibonacci({ n })` when `n` is set. */
export interface FloorCall {
  a?: number;
  b?: number;
  n?: number;
}

export interface NoopServer {
  readonly address: string;
  /**
   * What calls of the FLOOR_TASK ids are answered with: set to a response spearlet gave, so the
   * floor sends what the contract makes any implementation send (`{ success: true }` until set).
   */
  floorResponse: object;
  /** The process-isolation floor's work alone (one IPC hop and an isolate entry), for the HTTP floor: `add`, or `fibonacci` when `n` is given. */
  processFloor?: (call: FloorCall) => Promise<number>;
  close(): Promise<void>;
}

/**
 * Task ids the no-op server answers only after doing the work no implementation of that
 * isolation mode can skip: one call of the task's `add` on raw isolated-vm, in a child process over
 * IPC (process isolation) or in this process (in-process isolation), answered with a full
 * InvokeFunctionResponse. The floor under spearlet's warm invoke in each mode, measured like it.
 */
export const FLOOR_TASK: Record<IsolationMode, string> = { process: 'floor-process', 'in-process': 'floor-in-process' };

/** A pool of floor-child.ts processes, one isolate each, taking calls in turn. */
class FloorChildren {
  private readonly pending = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private turn = 0;

  private constructor(private readonly children: ChildProcess[]) {
    for (const child of children) {
      child.on('message', (m: FloorReply) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.value ?? NaN);
      });
    }
  }

  static async start(count: number): Promise<FloorChildren> {
    const children = await Promise.all(Array.from({ length: count }, () => forkBenchChild('./floor-child.ts', 'floor child', { serialization: 'json' })));
    return new FloorChildren(children);
  }

  add(a: number, b: number): Promise<number> {
    return this.ask({ a, b });
  }

  fib(n: number): Promise<number> {
    return this.ask({ n });
  }

  private ask(request: Omit<FloorRequest, 'id'>): Promise<number> {
    const id = this.nextId++;
    const child = this.children[this.turn++ % this.children.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, ...request } satisfies FloorRequest);
    });
  }

  close(): void {
    for (const child of this.children) child.kill();
  }
}

/**
 * FunctionService whose InvokeFunction answers at once (the other RPCs are unimplemented). With
 * `compute`, a call of `fibonacci` first runs fib(FIB_N) on that in-process peer: raw isolated-vm
 * behind the same transport, the like-for-like peer of a compute-heavy invoke through gRPC (a
 * transport idle for the length of the computation wakes up slower on a shared VM). With
 * `floorChildren` (as many as spearlet's sandbox workers), calls of the FLOOR_TASK ids do their
 * floor's work first (for the process floor's `fibonacci`: fib(FIB_N) in a child, the compute
 * floor of process isolation).
 */
export async function startNoopServer(options: { compute?: InProcessPeer; floorChildren?: number } = {}): Promise<NoopServer> {
  const { compute, floorChildren } = options;
  const children = floorChildren ? await FloorChildren.start(floorChildren) : undefined;
  const local = floorChildren ? await rawIsolatedVm() : undefined;
  const server = new grpc.Server();
  const service = loadProto().grpcObject.spearlet.FunctionService.service;
  type Call = { request: { functionName?: string; taskId?: string } };
  const noop: NoopServer = { address: '', floorResponse: { success: true }, close: async () => {} };
  const answer = (work: Promise<unknown>, callback: grpc.sendUnaryData<object>, response: () => object = () => ({ success: true })) =>
    work.then(
      () => callback(null, response()),
      (err: Error) => callback(err),
    );
  const floorResponse = () => noop.floorResponse;
  server.addService(service, {
    InvokeFunction: (call: Call, callback: grpc.sendUnaryData<object>) => {
      const { functionName, taskId } = call.request;
      if (children !== undefined && taskId === FLOOR_TASK.process) return answer(functionName === 'fibonacci' ? children.fib(FIB_N) : children.add(2, 3), callback, floorResponse);
      if (compute !== undefined && functionName === 'fibonacci') return answer(compute.fib(FIB_N), callback);
      if (local !== undefined && taskId === FLOOR_TASK['in-process']) return answer(local.add(2, 3), callback, floorResponse);
      callback(null, { success: true });
    },
  } as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return Object.assign(noop, {
    address: `127.0.0.1:${port}`,
    processFloor: children && ((call: FloorCall) => (call.n === undefined ? children.add(call.a ?? 0, call.b ?? 0) : children.fib(call.n))),
    close: async () => {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      children?.close();
      await local?.close();
    },
  });
}

/** Name of the raw isolated-vm peer (the compute scenario measures it in turn with spearlet). */
export const RAW_IVM = 'isolated-vm (raw)';

/**
 * isolated-vm used directly: one isolate running spearlet's own task module (the same source, an
 * ES module), its exports called with an async `apply`. The same code matters: V8 runs fib about
 * 10% slower as a module's top-level function than as a closure in a script, and that is the guest
 * code's shape, not the sandbox's cost.
 */
export async function rawIsolatedVm(): Promise<InProcessPeer> {
  const { isolate, exported } = await rawTaskModule();
  const add = await exported('add');
  const fib = await exported('fibonacci');
  return {
    name: RAW_IVM,
    add: (a, b) => add.apply(undefined, [{ a, b }], { arguments: { copy: true }, result: { copy: true } }) as Promise<number>,
    fib: (n) => fib.apply(undefined, [{ n }], { arguments: { copy: true }, result: { copy: true } }) as Promise<number>,
    close: async () => isolate.dispose(),
  };
}

/** QuickJS compiled to WebAssembly (an interpreter: no JIT). */
export async function quickJs(): Promise<InProcessPeer> {
  const quickjs = await getQuickJS();
  const ctx = quickjs.newContext();
  const api = ctx.unwrapResult(ctx.evalCode(PEER_SCRIPT));
  const add = ctx.getProp(api, 'add');
  const fib = ctx.getProp(api, 'fib');
  const call = (fn: typeof add, args: Array<ReturnType<typeof ctx.newNumber>>): number => {
    const result = ctx.unwrapResult(ctx.callFunction(fn, ctx.undefined, ...args));
    const value = ctx.getNumber(result);
    result.dispose();
    for (const a of args) a.dispose();
    return value;
  };
  return {
    name: 'quickjs-emscripten',
    add: async (a, b) => {
      const p = ctx.newObject();
      const ha = ctx.newNumber(a);
      const hb = ctx.newNumber(b);
      ctx.setProp(p, 'a', ha);
      ctx.setProp(p, 'b', hb);
      ha.dispose();
      hb.dispose();
      return call(add, [p]);
    },
    fib: async (n) => call(fib, [ctx.newNumber(n)]),
    close: async () => {
      add.dispose();
      fib.dispose();
      api.dispose();
      ctx.dispose();
    },
  };
}

/** node:vm: a separate context in this isolate (not a security boundary), called directly. */
export async function nodeVm(): Promise<InProcessPeer> {
  const context = vm.createContext({});
  const api = vm.runInContext(PEER_SCRIPT, context) as { add: (p: { a: number; b: number }) => number; fib: (n: number) => number };
  return {
    name: 'node:vm',
    add: async (a, b) => api.add({ a, b }),
    fib: async (n) => api.fib(n),
    close: async () => {},
  };
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const api = ${PEER_SCRIPT};
parentPort.on('message', (m) => parentPort.postMessage(m.op === 'add' ? api.add(m) : api.fib(m.n)));
`;

/** A worker_threads worker answering postMessage round trips, one call at a time. */
export async function workerThread(): Promise<InProcessPeer> {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  let pending: ((v: number) => void) | undefined;
  worker.on('message', (v: number) => {
    const resolve = pending;
    pending = undefined;
    resolve?.(v);
  });
  const call = (message: unknown) =>
    new Promise<number>((resolve) => {
      pending = resolve;
      worker.postMessage(message);
    });
  await call({ op: 'add', a: 0, b: 0 });
  return {
    name: 'worker_threads',
    add: (a, b) => call({ op: 'add', a, b }),
    fib: (n) => call({ op: 'fib', n }),
    close: async () => {
      await worker.terminate();
    },
  };
}

export async function startInProcessPeers(): Promise<InProcessPeer[]> {
  return [await rawIsolatedVm(), await quickJs(), await nodeVm(), await workerThread()];
}
