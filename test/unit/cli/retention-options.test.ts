import { describe, expect, it } from 'vitest';
import { serveOptions } from '../../../src/cli/serve-options.js';
import { resolveConfig } from '../../../src/config.js';
import { ErrorCodes, SpearletError } from '../../../src/errors.js';

function refusal(fn: () => unknown): SpearletError {
  try {
    fn();
  } catch (err) {
    return err as SpearletError;
  }
  throw new Error('expected a refusal');
}

describe('retention options', () => {
  it('keeps finished executions seven days by default, with no per-task count', () => {
    const c = resolveConfig({});
    expect(c.executionRetentionMs).toBe(7 * 24 * 3_600_000);
    expect(c.maxExecutionsPerTask).toBe(0);
    expect(c.expiryBatchSize).toBe(500);
  });

  it('reads --execution-retention as a duration, from flags or the environment', () => {
    expect(serveOptions(['--execution-retention', '12h'], {}).executionRetentionMs).toBe(12 * 3_600_000);
    expect(serveOptions(['--execution-retention', '30m'], {}).executionRetentionMs).toBe(30 * 60_000);
    expect(serveOptions(['--execution-retention', '1.5d'], {}).executionRetentionMs).toBe(36 * 3_600_000);
    expect(serveOptions([], { SPEARLET_EXECUTION_RETENTION: '10s' }).executionRetentionMs).toBe(10_000);
    expect(serveOptions(['--execution-retention', '0'], {}).executionRetentionMs).toBe(0);
    expect(serveOptions(['--max-executions-per-task', '500'], {}).maxExecutionsPerTask).toBe(500);
  });

  it('refuses a malformed or too short retention, naming the field', () => {
    const bad = refusal(() => serveOptions(['--execution-retention', 'a week'], {}));
    expect(bad.code).toBe(ErrorCodes.INVALID_CONFIG);
    expect(bad.message).toMatch(/^--execution-retention: must be a duration such as 7d.*\(got "a week"\)$/);
    const short = refusal(() => resolveConfig({ executionRetentionMs: 10 }));
    expect(short.message).toMatch(/^executionRetentionMs: must be 0 \(keeps them\) or a duration of at least 1s, such as 7d, 12h, 30m, 10s or 500ms \(got 10\)$/);
    const negative = refusal(() => resolveConfig({ maxExecutionsPerTask: -1 }));
    expect(negative.message).toMatch(/maxExecutionsPerTask/);
    expect(refusal(() => resolveConfig({ expiryBatchSize: 0 })).message).toMatch(/expiryBatchSize/);
  });
});
