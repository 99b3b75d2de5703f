/**
 * The conformance manifest against a freshly started server: every case must pass, so CI enforces
 * the contract. One test per case, so a failure names the case and what it saw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/conformance/manifest.js';
import { runCase } from '../../src/conformance/runner.js';
import { FIXTURES, type TestServer, startTestServer } from './harness.js';

const cases = await loadManifest(`${FIXTURES}manifest`);
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('conformance manifest', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, kase) => {
    const result = await runCase(kase, t.client, { target: t.server.address, fixturesDir: FIXTURES }, 'ci');
    expect(result.failures, `${kase.file}: ${kase.name}`).toEqual([]);
  }, 90_000);
});
