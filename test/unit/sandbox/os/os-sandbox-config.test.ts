/**
 * The OS sandbox's options: validated with messages naming the field, defaults filled, and the
 * `spearlet serve` flags that set them.
 */
import { describe, expect, it } from 'vitest';
import { serveOptions } from '../../../../src/cli/serve-options.js';
import { resolveConfig } from '../../../../src/config.js';

describe('OS sandbox config', () => {
  it('defaults: auto, nobody, a ceiling of 2 × workerMemoryLimitMb', () => {
    const c = resolveConfig({ workerMemoryLimitMb: 1000 });
    expect(c.osSandbox).toBe('auto');
    expect([c.osSandboxUid, c.osSandboxGid]).toEqual([65534, 65534]);
    expect(c.workerMemoryCeilingMb).toBe(2000);
    expect(c.workerPidsMax).toBe(512);
    expect(c.tenantCpuPercent).toBeGreaterThanOrEqual(100);
  });

  it.each([
    [{ osSandbox: 'sometimes' as never }, /^osSandbox: must be one of required, auto, off \(got "sometimes"\)$/],
    [{ osSandboxUid: 0 }, /^osSandboxUid: must be an integer from 1/],
    [{ workerMemoryCeilingMb: 64 }, /^workerMemoryCeilingMb: must be 0 \(2 × --worker-memory-limit-mb\) or an integer from 128 to 1048576 \(got 64\)$/],
    [{ workerPidsMax: 8 }, /^workerPidsMax: must be an integer from 32/],
    [{ workerOpenFiles: 10 }, /^workerOpenFiles: must be an integer from 64/],
    [{ workerMaxFileMb: 0 }, /^workerMaxFileMb: must be an integer from 1/],
    [{ tenantCpuPercent: 0 }, /^tenantCpuPercent: must be an integer from 1/],
  ])('refuses %o, naming the field', (input, message) => {
    let error: { code?: string; field?: string; message?: string } = {};
    try {
      resolveConfig(input);
    } catch (err) {
      error = err as typeof error;
    }
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(message);
    expect(error.field).toBe(Object.keys(input)[0]);
  });

  it('takes flags and SPEARLET_* variables', () => {
    const input = serveOptions(['--os-sandbox', 'required', '--worker-pids-max', '128', '--tenant-cpu-percent', '50'], { SPEARLET_OS_SANDBOX_UID: '1234', SPEARLET_WORKER_MEMORY_CEILING_MB: '2048' });
    const c = resolveConfig(input);
    expect([c.osSandbox, c.workerPidsMax, c.tenantCpuPercent, c.osSandboxUid, c.workerMemoryCeilingMb]).toEqual(['required', 128, 50, 1234, 2048]);
  });
});
