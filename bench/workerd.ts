/**
 * Cloudflare's workerd as a peer: the npm package's binary, serving HTTP/1.1 on loopback, with a
 * front worker that loads new code at run time through the Worker Loader binding (the
 * `experimental` compatibility flag, `serve --experimental`).
 *
 * - `POST /load/<id>/<fn>` with `{ source, params }`: the cold path. The front worker keeps the
 *   source and asks the loader for a worker with that id, which builds an isolate for the new code,
 *   then calls `fn`.
 * - `POST /call/<id>/<fn>` with the parameters as JSON: the warm path, the loader's cached worker.
 *
 * The loaded worker is the task's ES module (the same source spearlet runs) plus an entry module
 * that parses the JSON body, calls the export and answers `{ result }` as JSON: what spearlet's
 * HTTP trigger does for a task.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { rssOf } from './process-rss.js';

const COMPATIBILITY_DATE = '2025-11-01';

const ENTRY_MODULE = `import * as task from './task.js';
export default {
  async fetch(request) {
    const fn = new URL(request.url).pathname.slice(1);
    const params = await request.json();
    return Response.json({ result: (task[fn] ?? task.default)(params) });
  },
};`;

const FRONT_WORKER = `const sources = new Map();
const ENTRY = ${JSON.stringify(ENTRY_MODULE)};
export default {
  async fetch(request, env) {
    const [, verb, id, fn] = new URL(request.url).pathname.split('/');
    let body = request.body;
    if (verb === 'load') {
      const { source, params } = await request.json();
      sources.set(id, source);
      body = JSON.stringify(params);
    }
    const source = sources.get(id);
    if (source === undefined) return new Response('no such task', { status: 404 });
    const worker = env.LOADER.get(id, () => ({ compatibilityDate: '${COMPATIBILITY_DATE}', mainModule: 'entry.js', modules: { 'entry.js': ENTRY, 'task.js': source } }));
    return worker.getEntrypoint().fetch(new Request('http://task/' + fn, { method: 'POST', body }));
  },
};`;

const config = (port: number) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .front) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const front :Workerd.Worker = (
  modules = [ (name = "front.js", esModule = embed "front.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  compatibilityFlags = ["experimental"],
  bindings = [ (name = "LOADER", workerLoader = (id = "spearlet-bench")) ],
);
`;

export interface WorkerdPeer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  readonly version: string;
  rssBytes(): number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function untilListening(port: number, child: ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`workerd did not listen on ${port} within ${ms} ms`);
}

/** The workerd binary of the `workerd` dev dependency. */
export function workerdBinary(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('workerd/package.json')), 'bin', 'workerd');
}

/** The installed workerd package's version (the binary's release date). */
export function workerdVersion(): string {
  return (createRequire(import.meta.url)('workerd/package.json') as { version: string }).version;
}

export async function startWorkerd(): Promise<WorkerdPeer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-bench-workerd-'));
  const port = await freePort();
  await fs.writeFile(path.join(dir, 'front.js'), FRONT_WORKER);
  await fs.writeFile(path.join(dir, 'config.capnp'), config(port));
  const binary = workerdBinary();
  const child = spawn(binary, ['serve', '--experimental', path.join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'inherit'] });
  await untilListening(port, child, 10_000);
  const version = workerdVersion();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    version,
    rssBytes: () => rssOf(child.pid!),
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
