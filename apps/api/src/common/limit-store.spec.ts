import { MemoryLimitStore } from './limit-store.js';

describe('MemoryLimitStore', () => {
  let now = 0;
  const store = new MemoryLimitStore(() => now);

  it('counts within a window that starts at the first addition, and forgets after it', async () => {
    now = 1000;
    expect(await store.add('k', 1, 500)).toEqual({ count: 1, resetInMs: 500 });
    now = 1200;
    expect(await store.add('k', 2, 500)).toEqual({ count: 3, resetInMs: 300 });
    expect(await store.read('k')).toEqual({ count: 3, resetInMs: 300 });
    await store.extend('k', 500);
    now = 1600;
    expect(await store.read('k')).toEqual({ count: 3, resetInMs: 100 });
    now = 1700;
    expect(await store.read('k')).toEqual({ count: 0, resetInMs: 0 });
  });

  it('forgets a counter that falls to zero, and does not create one by subtracting', async () => {
    now = 0;
    expect(await store.add('p', -1, 500)).toEqual({ count: 0, resetInMs: 0 });
    await store.add('p', 1, 500);
    expect(await store.add('p', -1, 500)).toEqual({ count: 0, resetInMs: 0 });
    expect(await store.add('p', 1, 500)).toEqual({ count: 1, resetInMs: 500 });
    await store.clear('p');
    expect(await store.read('p')).toEqual({ count: 0, resetInMs: 0 });
  });

  it('grants tokens up to what the bucket holds', async () => {
    now = 0;
    expect(await store.take('b', 6, 10, 2)).toBe(6);
    expect(await store.take('b', 6, 10, 2)).toBe(4);
    expect(store.takeNow('b', 1, 10, 2)).toBe(0);
    now = 1000;
    expect(store.takeNow('b', 5, 10, 2)).toBe(2);
  });
});
