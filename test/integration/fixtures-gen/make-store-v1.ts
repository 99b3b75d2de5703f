/**
 * Made the checked-in data directory fixtures/store-v1/ with the release before the versioned key
 * schema (commit e6bfee9): run at that commit, it starts the real server on a temp data dir,
 * registers two tasks, runs executions that complete and fail (with logs), leaves one RUNNING as a
 * crash would, and stops. Kept for the record; at a later commit it would write the new layout.
 *
 *   npx tsx test/integration/fixtures-gen/make-store-v1.ts fixtures/store-v1
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { startServer } from '../../../src/app.js';
import { FunctionClient } from '../../../src/client/function-client.js';
import { resolveConfig } from '../../../src/config.js';
import { RocksDbStore } from '../../../src/store/rocksdb-store.js';
import { FIXTURES, jsSpec, params } from '../harness.js';

const out = path.resolve(process.argv[2] ?? 'fixtures/store-v1');
await fs.rm(out, { recursive: true, force: true });
const server = await startServer(resolveConfig({ listen: '127.0.0.1:0', dataDir: out, artifactRoots: [FIXTURES], sandboxWorkers: 1, prewarmIsolates: 0 }));
const client = new FunctionClient(server.address);
const source = "export function add({a,b}){ console.log('adding', a, b); return a+b; }\nexport function boom(){ throw new Error('boom'); }";
const first = await client.invoke({ invocationType: 'INVOCATION_TYPE_NEW_TASK', taskName: 'adder', artifactSpec: jsSpec(source), functionName: 'add', parameters: params({ a: 1, b: 2 }) });
for (let i = 0; i < 20; i++) {
  await client.invoke({ invocationType: 'INVOCATION_TYPE_EXISTING_TASK', taskId: first.taskId, functionName: i % 4 === 3 ? 'boom' : 'add', parameters: params({ a: i, b: 1 }) });
}
await client.invoke({ invocationType: 'INVOCATION_TYPE_NEW_TASK', taskName: 'other', artifactSpec: jsSpec('export default function hi(){ return "hi"; }'), functionName: '' });
client.close();
await server.close();
// A RUNNING record, as a process killed mid-execution leaves it.
const store = new RocksDbStore(out);
await store.open();
const [last] = (await store.listExecutions({ taskId: first.taskId, limit: 1 })).items;
await store.putExecution({ ...last, executionId: 'exec-left-running', seq: last.seq.slice(0, -1) + 'Z', status: 'RUNNING', result: undefined, completedAt: undefined }, undefined, { sync: true });
await store.close();
console.log(`wrote ${out} (task ${first.taskId})`);
