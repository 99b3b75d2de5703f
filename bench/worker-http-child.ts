/**
 * The floor of the design proposed for issue #20's HTTP figure: the HTTP trigger served by the
 * process that runs the isolate (a sandbox worker taking the request itself), the server out of the
 * call's path. A node:http server in a process of its own runs the task's `add` on raw isolated-vm
 * and appends the call's terminal record, a JSON line the size of spearlet's, to a log file with one
 * write(2) before it answers: durable against a crash of the process, as RocksDB's WAL is with
 * sync off. Nothing else (no auth, pool, limits or index keys), so this is what such a design costs
 * before any of its own work. Sends `{ url }` once listening; exits when the parent goes.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { rawTaskModule } from './raw-task-module.js';

const add = await (await rawTaskModule()).exported('add');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spearlet-worker-http-'));
const log = fs.openSync(path.join(dir, 'records.log'), 'a');
let serial = 0;

function record(value: unknown, startedAt: number): string {
  const id = `exec-${Date.now().toString(36)}${(serial++).toString(36).padStart(8, '0')}`;
  const now = Date.now();
  return `${JSON.stringify({
    executionId: id,
    seq: id.slice(5),
    taskId: 'task-bench',
    functionName: 'add',
    mode: 'SYNC',
    status: 'COMPLETED',
    createdAt: startedAt,
    startedAt,
    executionTimeMs: now - startedAt,
    memoryUsedBytes: 1_048_576,
    metrics: { queue_ms: '0', cpu_time_us: '40', cold_start: 'false', instance_id: 'inst-bench', attempts: '1' },
    logs: [],
    logsTruncated: false,
    metadata: {},
    result: { typeUrl: 'type.googleapis.com/google.protobuf.Value', valueBase64: Buffer.from(JSON.stringify(value)).toString('base64') },
    completedAt: now,
  })}\n`;
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const startedAt = Date.now();
    const params = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { a: number; b: number };
    add.apply(undefined, [params], { arguments: { copy: true }, result: { copy: true } }).then(
      (value) => {
        fs.writeSync(log, record(value, startedAt));
        const body = Buffer.from(JSON.stringify(value));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
      },
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
