/**
 * Memory per warm idle instance, measured in a fresh process (forked by memory.ts, with
 * --expose-gc): start a server, register one task with min_instances = N, let the pool warm N
 * instances, call each once (round-robin visits every instance), collect garbage, and compare the
 * resident memory of the process tree (server plus any sandbox workers) before and after.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer } from '../src/app.js';
import { type IsolationMode, resolveConfig } from '../src/config.js';
import { existingTaskCall } from '../src/core/execution/invocation-plan.js';
import { FIXTURES_DIR, JS_TASK_SOURCE } from './guests.js';
import { processTreeRss } from './process-rss.js';
import { addParams } from './scenarios.js';

export interface MemoryResult {
  isolation: IsolationMode;
  instances: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  perInstanceBytes: number;
  processes: number;
  warmSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(300);
  }
}

async function measure(isolation: IsolationMode, count: number): Promise<MemoryResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-bench-mem-'));
  const server = await startServer(
    resolveConfig({
      listen: '127.0.0.1:0',
      dataDir: path.join(dir, 'data'),
      artifactRoots: [FIXTURES_DIR],
      logLevel: 'silent',
      isolation,
      schedulingPolicy: 'round-robin',
      maxInstancesPerTask: count,
      defaultMaxInstancesPerTask: count,
      maxTotalInstances: count + 16,
    }),
  );
  try {
    const core = server.core;
    await settle();
    const before = processTreeRss();
    const started = Date.now();
    const location = `data:text/javascript;base64,${Buffer.from(JS_TASK_SOURCE).toString('base64')}`;
    const { task } = await core.registry.register({
      name: 'memory',
      description: '',
      spec: { artifactId: '', artifactType: 'javascript', location, version: '', checksum: '', metadata: { min_instances: String(count), max_instances: String(count) } },
    });
    while (core.pool.snapshot().idle < count) {
      if (Date.now() - started > 600_000) throw new Error(`only ${core.pool.snapshot().idle} of ${count} instances warmed in 10 minutes`);
      await sleep(100);
    }
    const warmSeconds = (Date.now() - started) / 1000;
    const parameters = addParams.map((p) => ({ name: p.name, type: '', required: false, description: '', value: { type_url: p.value.type_url, value: Buffer.from(p.value.value) } }));
    for (let i = 0; i < count; i++) {
      const accepted = await core.executions.invoke(existingTaskCall(task.taskId, 'add', parameters));
      const record = await accepted.done;
      if (record.status !== 'COMPLETED') throw new Error(`call ${i} ended ${record.status}: ${record.errorMessage ?? ''}`);
    }
    const live = core.pool.snapshot().live;
    if (live !== count) throw new Error(`expected ${count} live instances, found ${live}`);
    await settle();
    const after = processTreeRss();
    return {
      isolation,
      instances: count,
      rssBeforeBytes: before.bytes,
      rssAfterBytes: after.bytes,
      perInstanceBytes: (after.bytes - before.bytes) / count,
      processes: after.processes,
      warmSeconds,
    };
  } finally {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const [isolation, count] = [process.argv[2] as IsolationMode, Number(process.argv[3])];
measure(isolation, count).then(
  (result) => {
    process.send!({ ok: true, result });
    process.disconnect();
  },
  (err: Error) => {
    process.send!({ ok: false, error: err.stack ?? err.message });
    process.disconnect();
  },
);
