import { ConcurrencyLimit } from './concurrency-limit.js';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once, the others in the order they came', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        limit.run(async () => {
          started.push(i);
          most = Math.max(most, ++running);
          await tick(5);
          running--;
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });

  it('frees the slot of a task that failed', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await expect(limit.run(() => Promise.resolve('next'))).resolves.toBe('next');
    await expect(Promise.all([limit.run(() => tick(1)), limit.run(() => tick(1))])).resolves.toHaveLength(2);
  });
});
