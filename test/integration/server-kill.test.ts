/**
 * kill -9 of the server process mid-load, then a restart on the same data dir: every execution
 * acknowledged as terminal before the kill is there with the same status, every accepted one has
 * exactly one terminal record (INTERRUPTED for those in flight), and the sandbox workers of the
 * killed server do not outlive it.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionClient } from '../../src/client/function-client.js';
import { jsSpec, params } from './harness.js';
import { killSpawned, servingAddress, spawnSpearlet } from '../helpers/spearlet-process.js';
import { alive, childrenOf, newId, report, sleep, until } from './fault-helpers.js';

const TERMINAL = new Set(['EXECUTION_STATUS_COMPLETED', 'EXECUTION_STATUS_FAILED', 'EXECUTION_STATUS_CANCELLED', 'EXECUTION_STATUS_TIMEOUT']);

/** `node bin/spearlet.js serve ...` (the launcher becomes the server: same pid, via process.execve). */
function serve(dataDir: string, artifactRoot: string) {
  const server = spawnSpearlet(['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--artifact-root', artifactRoot, '--sandbox-workers', '2']);
  return { ...server, address: () => servingAddress(server) };
}

afterEach(killSpawned);

describe('kill -9 of the server', () => {
  it('keeps every acknowledged terminal record and ends every accepted execution exactly once', async () => {
    const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'spearlet-kill-'));
    const dataDir = path.join(base, 'data');
    const first = serve(dataDir, base);
    const client = new FunctionClient(await first.address());
    const serverPid = first.child.pid!;
    const taskId = (
      await client.invoke({
        taskName: 'nap',
        artifactSpec: jsSpec('export async function nap({ ms }) { await new Promise((r) => setTimeout(r, ms)); return ms; }', { max_instances: '16' }),
        functionName: 'nap',
        parameters: params({ ms: 1 }),
      })
    ).taskId;
    await until('the sandbox workers', () => childrenOf(serverPid).length >= 2, 10_000);
    const workerPids = childrenOf(serverPid);

    const acked = new Map<string, { status: string; errorCode: string }>();
    const accepted = new Set<string>();
    const attempted = new Set<string>();
    let down = false;
    const loop = async (k: number) => {
      for (let i = 0; !down; i++) {
        const executionId = newId(`kill${k}`);
        attempted.add(executionId);
        const async = (i + k) % 3 === 0;
        try {
          const res = await client.invoke(
            { taskId, functionName: 'nap', parameters: params({ ms: 5 + ((i * 7 + k) % 60) }), executionId, executionMode: async ? 'EXECUTION_MODE_ASYNC' : 'EXECUTION_MODE_SYNC' },
            { deadlineMs: 10_000 },
          );
          accepted.add(executionId);
          if (!async) acked.set(executionId, { status: res.result?.status ?? '', errorCode: res.result?.errorCode ?? '' });
        } catch {
          down = true;
        }
      }
    };
    const loops = Promise.all(Array.from({ length: 6 }, (_, k) => loop(k)));
    await sleep(1_500);
    process.kill(serverPid, 'SIGKILL');
    await loops;
    await first.exited;
    client.close();
    // The workers see their channel close and exit: nothing of the old server lingers.
    await until('the killed server’s workers to exit', () => workerPids.every((p) => !alive(p)), 10_000);

    const second = serve(dataDir, base);
    const after = new FunctionClient(await second.address());
    const lost: string[] = [];
    let interrupted = 0;
    let terminalRecords = 0;
    for (const executionId of attempted) {
      const res = await after.getExecutionStatus({ executionId });
      const want = acked.get(executionId);
      if (!res.found) {
        if (accepted.has(executionId)) lost.push(`${executionId}: accepted but not stored`);
        continue;
      }
      if (!TERMINAL.has(res.result?.status ?? '')) lost.push(`${executionId}: left ${res.result?.status}`);
      else terminalRecords++;
      if (res.result?.errorCode === 'INTERRUPTED') interrupted++;
      if (want && (want.status !== res.result?.status || want.errorCode !== (res.result?.errorCode ?? ''))) lost.push(`${executionId}: acknowledged ${want.status}, stored ${res.result?.status}`);
    }
    // Exactly one record per execution: walk every stored execution once.
    const seen = new Map<string, number>();
    let startAfter = '';
    for (;;) {
      const page = await after.listExecutions({ taskId, limit: 500, startAfter });
      for (const e of page.executions) seen.set(e.executionId, (seen.get(e.executionId) ?? 0) + 1);
      if (!page.hasMore) break;
      startAfter = page.nextStartAfter;
    }
    const duplicated = [...seen].filter(([, n]) => n > 1);
    const unfinished = (await after.listExecutions({ taskId, limit: 1000, statusFilter: 'EXECUTION_STATUS_RUNNING' })).executions.length + (await after.listExecutions({ taskId, limit: 1000, statusFilter: 'EXECUTION_STATUS_PENDING' })).executions.length;
    const res = await after.invoke({ taskId, functionName: 'nap', parameters: params({ ms: 1 }) });
    after.close();
    second.child.kill('SIGTERM');
    await second.exited;

    report('server kill -9 mid-load', {
      invocations: attempted.size,
      acknowledgedTerminal: acked.size,
      accepted: accepted.size,
      terminalRecordsAfterRestart: terminalRecords,
      interrupted,
      faultsInjected: 1,
      recordsLost: lost.length,
      duplicatedRecords: duplicated.length,
      serverRestarts: 1,
    });
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(unfinished).toBe(0);
    expect(acked.size).toBeGreaterThan(20);
    expect(res.result?.status).toBe('EXECUTION_STATUS_COMPLETED');
    await fsp.rm(base, { recursive: true, force: true });
  }, 90_000);
});
