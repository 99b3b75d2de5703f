/**
 * `spearlet serve` as an operator runs it: flags, environment, clean shutdown, clear start-up errors.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FunctionClient } from '../../src/client/function-client.js';
import { killSpawned, spawnSpearlet } from '../helpers/spearlet-process.js';
import { jsSpec, params, valueOf } from './harness.js';



async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'spearlet-serve-'));
}

afterEach(killSpawned);

describe('spearlet serve', () => {
  it('serves on the given address and data dir, and SIGTERM drains and exits 0', async () => {
    const dir = await tempDir();
    const s = spawnSpearlet(['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'data'), '--artifact-root', dir]);
    const [, address] = await s.waitFor(/serving gRPC on (127\.0\.0\.1:\d+)/);
    const client = new FunctionClient(address);
    const res = await client.invoke({ taskName: 'sq', artifactSpec: jsSpec('export default ({ x }) => x * x;'), parameters: params({ x: 7 }) });
    expect(valueOf(res.result?.result)).toBe(49);
    client.close();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).toMatch(/stopped cleanly/);
    await expect(fs.stat(path.join(dir, 'data', 'CURRENT'))).resolves.toBeTruthy();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('takes its settings from SPEARLET_* variables', async () => {
    const dir = await tempDir();
    const s = spawnSpearlet(['serve'], { SPEARLET_LISTEN: '127.0.0.1:0', SPEARLET_DATA_DIR: path.join(dir, 'envdata'), SPEARLET_ARTIFACT_ROOT: dir });
    await s.waitFor(/serving gRPC on/);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    await expect(fs.stat(path.join(dir, 'envdata'))).resolves.toBeTruthy();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses an unknown flag with a clear error, suggesting the near one', async () => {
    const s = spawnSpearlet(['serve', '--lisen', '127.0.0.1:1']);
    expect(await s.exited).toBe(2);
    expect(s.output()).toContain("spearlet serve: Unknown option '--lisen'; did you mean '--listen'?");
  });

  it('refuses a malformed listen address naming the flag', async () => {
    const s = spawnSpearlet(['serve', '--listen', 'nowhere']);
    expect(await s.exited).toBe(2);
    expect(s.output()).toContain('spearlet serve: --listen: must be HOST:PORT (got "nowhere")');
  });

  it('names the environment variable a bad value came from, and says when a flag won over it', async () => {
    const env = spawnSpearlet(['serve'], { SPEARLET_WORKER_NICE: '40' });
    expect(await env.exited).toBe(2);
    expect(env.output()).toContain('spearlet serve: SPEARLET_WORKER_NICE: must be an integer from 0 to 19 (got "40")');
    const both = spawnSpearlet(['serve', '--worker-nice', 'x'], { SPEARLET_WORKER_NICE: '5' });
    expect(await both.exited).toBe(2);
    expect(both.output()).toContain('spearlet serve: --worker-nice: must be an integer from 0 to 19 (got "x"; the flag wins over SPEARLET_WORKER_NICE="5")');
  });

  it('refuses an unusable data dir with a clear error', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'not-a-dir');
    await fs.writeFile(file, 'x');
    const s = spawnSpearlet(['serve', '--listen', '127.0.0.1:0', '--data-dir', file]);
    expect(await s.exited).not.toBe(0);
    expect(s.output()).toMatch(/store open failed|not-a-dir/);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
