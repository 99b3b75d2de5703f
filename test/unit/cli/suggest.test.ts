import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../../src/cli/suggest.js';

describe('did you mean', () => {
  it('counts edits, a transposition as one', () => {
    expect(editDistance('invoke', 'invoke')).toBe(0);
    expect(editDistance('invok', 'invoke')).toBe(1);
    expect(editDistance('memroy', 'memory')).toBe(1);
    expect(editDistance('tasks', 'stats')).toBe(3);
  });

  it('suggests only plausible typos and prefixes', () => {
    const commands = ['serve', 'deploy', 'invoke', 'logs', 'tasks', 'task', 'status', 'stats'];
    expect(closest('invok', commands)).toBe('invoke');
    expect(closest('dep', commands)).toBe('deploy');
    expect(closest('lgos', commands)).toBe('logs');
    expect(closest('frobnicate', commands)).toBeUndefined();
    expect(didYouMean('memroy', ['memory', 'timeout'], '--')).toBe("; did you mean '--memory'?");
    expect(didYouMean('x', ['memory'])).toBe('');
  });
});
