/**
 * The bounds of docs/limits-streams-artifacts.md as configuration: defaults, flags, refusals that
 * name the field.
 */
import { describe, expect, it } from 'vitest';
import { serveOptions } from '../../../src/cli/serve-options.js';
import { resolveConfig } from '../../../src/config.js';

describe('stream window and artifact cache settings', () => {
  it('have the documented defaults', () => {
    const c = resolveConfig({});
    expect(c.streamWindowChunks).toBe(16);
    expect(c.streamWindowBytes).toBe(1024 * 1024);
    expect(c.artifactCacheBytes).toBe(64 * 1024 * 1024);
  });

  it('come from flags and the environment', () => {
    const input = serveOptions(['--stream-window-chunks', '4', '--artifact-cache-bytes', '0'], { SPEARLET_STREAM_WINDOW_BYTES: '65536' });
    expect(input).toMatchObject({ streamWindowChunks: 4, streamWindowBytes: 65536, artifactCacheBytes: 0 });
    expect(resolveConfig(input).artifactCacheBytes).toBe(0);
  });

  it('refuse out-of-range values, naming the field', () => {
    expect(() => resolveConfig({ streamWindowChunks: 0 })).toThrow(/^streamWindowChunks: must be an integer from 1 to 100000 \(got 0\)$/);
    expect(() => resolveConfig({ streamWindowBytes: 100 })).toThrow(/^streamWindowBytes: must be an integer of at least 1024/);
    expect(() => resolveConfig({ artifactCacheBytes: -1 })).toThrow(/^artifactCacheBytes: must be an integer of at least 0/);
    expect(() => resolveConfig({ artifactCacheBytes: 1.5 })).toThrow(/^artifactCacheBytes:/);
  });
});
