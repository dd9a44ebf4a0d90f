import { Batcher } from './batcher.js';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(options = { delayMs: 5, maxBatch: 100, maxConcurrent: 1 }) {
  const batches: number[][] = [];
  let fail = false;
  let release: (() => void) | null = null;
  let hold = false;
  const batcher = new Batcher<number, string>(async (items) => {
    batches.push(items);
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    if (fail) throw new Error('database down');
    return items.map((i) => `stored ${i}`);
  }, options);
  return {
    batcher,
    batches,
    fail: (value: boolean) => (fail = value),
    hold: (value: boolean) => (hold = value),
    release: () => release?.(),
  };
}

describe('Batcher', () => {
  it('writes items that arrive together in one batch and answers each with its own outcome', async () => {
    const { batcher, batches } = recorder();
    const results = await Promise.all([1, 2, 3].map((i) => batcher.add(i)));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results).toEqual(['stored 1', 'stored 2', 'stored 3']);
  });

  it('does not settle an item before its batch is written', async () => {
    const { batcher, hold, release } = recorder();
    hold(true);
    let settled = false;
    const result = batcher.add(1).then((r) => ((settled = true), r));
    await tick(20);
    expect(settled).toBe(false);
    release();
    expect(await result).toBe('stored 1');
  });

  it('splits at maxBatch and sends a full batch without waiting', async () => {
    const { batcher, batches } = recorder({ delayMs: 10_000, maxBatch: 2, maxConcurrent: 4 });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map((i) => batcher.add(i)));
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails every item of a failed batch and recovers for the next one', async () => {
    const { batcher, fail } = recorder();
    fail(true);
    const failed = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toEqual(new Error('database down'));
    fail(false);
    expect(await batcher.add(3)).toBe('stored 3');
  });

  it('queues what arrives during a write and sends it next, together', async () => {
    const { batcher, batches, hold, release } = recorder();
    hold(true);
    const first = batcher.add(1);
    await tick(20);
    const later = [batcher.add(2), batcher.add(3)];
    await tick(20);
    expect(batches).toEqual([[1]]);
    hold(false);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('drains: resolves only when everything added has settled', async () => {
    const { batcher, hold, release } = recorder();
    hold(true);
    const items = [batcher.add(1), batcher.add(2)];
    let drained = false;
    const drain = batcher.drain().then(() => (drained = true));
    await tick(20);
    expect(drained).toBe(false);
    expect(batcher.pending).toBe(2);
    hold(false);
    release();
    await drain;
    await Promise.all(items);
    expect(batcher.pending).toBe(0);
  });
});
