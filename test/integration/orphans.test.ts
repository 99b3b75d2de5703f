/**
 * Workers die with their server: after kill -9 of the server process alone, no sandbox worker keeps
 * running, not even one whose guest spins on isolated-vm's thread.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionClient } from '../../src/client/function-client.js';
import { jsSpec } from './harness.js';
import { killSpawned, servingAddress, spawnSpearlet } from '../helpers/spearlet-process.js';
import { alive, childrenOf, descendantsOf, until } from './fault-helpers.js';

const strays: number[] = [];

/** CPU time (user + system) of a process so far, in clock ticks; -1 once it is gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return -1;
  }
}

afterEach(() => {
  killSpawned();
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('kill -9 of the server alone', () => {
  it('takes a worker whose guest spins with it', async () => {
    const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'spearlet-orphan-'));
    const server = spawnSpearlet(['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(base, 'data'), '--artifact-root', base, '--sandbox-workers', '1']);
    const client = new FunctionClient(await servingAddress(server));
    const serverPid = server.child.pid!; // serve re-executes itself in place (bin/spearlet.js)
    await until('the sandbox worker', () => childrenOf(serverPid).length >= 1, 10_000);
    const workers = () => descendantsOf(serverPid);

    // A guest that spins for a minute, started asynchronously so the call is running at the kill.
    const res = await client.invoke({
      taskName: 'spinner',
      artifactSpec: jsSpec('export function spin() { for (;;) {} }', { timeout_ms: '60000' }),
      functionName: 'spin',
      executionMode: 'EXECUTION_MODE_ASYNC',
    });
    expect(res.success).toBe(true);
    await until('the guest to spin', () => workers().some((p) => cpuTicks(p) > 50), 10_000);
    const tree = workers();
    strays.push(...tree);
    client.close();

    process.kill(serverPid, 'SIGKILL');
    await until('the killed server’s workers to exit', () => tree.every((p) => !alive(p) || cpuTicks(p) < 0), 10_000);
    expect(tree.filter((p) => alive(p))).toEqual([]);
    server.child.kill('SIGKILL');
    await fsp.rm(base, { recursive: true, force: true });
  }, 60_000);
});
