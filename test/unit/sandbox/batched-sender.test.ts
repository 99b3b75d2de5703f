import { describe, expect, it } from 'vitest';
import { BatchedSender } from '../../../src/sandbox/batched-sender.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchedSender', () => {
  it('sends the messages of one turn as one batch, in order, within that turn', async () => {
    const batches: number[][] = [];
    const sender = new BatchedSender<number>((batch) => batches.push(batch));
    sender.send(1);
    sender.send(2);
    await Promise.resolve();
    sender.send(3);
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3]]);
    sender.send(4);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('sendNow writes at once, after what was queued before it', async () => {
    const batches: string[][] = [];
    const sender = new BatchedSender<string>((batch) => batches.push(batch));
    sender.send('log');
    sender.sendNow('fault');
    expect(batches).toEqual([['log', 'fault']]);
    await nextTurn();
    expect(batches).toEqual([['log', 'fault']]);
  });
});
