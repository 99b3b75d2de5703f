/**
 * The Node.js release check: a line past its end of life is refused at start, by name and date,
 * unless --allow-eol-node; current and newer lines pass.
 */
import { describe, expect, it } from 'vitest';
import { checkNodeRelease, endOfLife, runtimeVersions } from '../../src/node-release.js';

const TODAY = new Date('2026-12-03T12:00:00Z');

describe('Node.js release check', () => {
  it('refuses Node 20 after 2026-04-30, naming the date and the flag', () => {
    expect(() => checkNodeRelease('v20.20.2', TODAY, false)).toThrow(
      "Node.js v20.20.2 reached its end of life on 2026-04-30 and gets no security fixes; run 'npm ci' to use the pinned Node.js 24, or pass --allow-eol-node to start anyway",
    );
    expect(() => checkNodeRelease('v20.20.2', TODAY, false)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field: 'allowEolNode' }));
  });

  it('lets an end-of-life line start when the operator passes --allow-eol-node', () => {
    expect(() => checkNodeRelease('v20.20.2', TODAY, true)).not.toThrow();
  });

  it('accepts a line on its last day, supported lines, and lines newer than its table', () => {
    expect(() => checkNodeRelease('v20.1.0', new Date('2026-04-30T23:00:00Z'), false)).not.toThrow();
    expect(() => checkNodeRelease('v24.21.0', TODAY, false)).not.toThrow();
    expect(() => checkNodeRelease('v26.10.0', TODAY, false)).not.toThrow();
    expect(endOfLife('v40.0.0')).toBeUndefined();
  });

  it('refuses an odd line past its short life', () => {
    expect(() => checkNodeRelease('v25.2.1', TODAY, false)).toThrow(/end of life on 2026-06-01/);
  });

  it('this process runs a supported line with isolated-vm 7', () => {
    expect(() => checkNodeRelease(process.version, new Date(), false)).not.toThrow();
    expect(runtimeVersions()).toEqual({ node: process.version, v8: process.versions.v8, isolatedVm: expect.stringMatching(/^7\./) });
  });
});
