import { TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst up to capacity, then refills at the given rate', () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(bucket.take(10, 0)).toBe(true);
    expect(bucket.take(1, 0)).toBe(false);
    expect(bucket.take(1, 199)).toBe(false);
    expect(bucket.take(1, 200)).toBe(true);
    expect(bucket.take(5, 1200)).toBe(true);
    expect(bucket.take(1, 1200)).toBe(false);
  });

  it('takes nothing when a request is larger than what is left', () => {
    const bucket = new TokenBucket(10, 1, 0);
    expect(bucket.take(11, 0)).toBe(false);
    expect(bucket.take(10, 0)).toBe(true);
  });

  it('never holds more than its capacity', () => {
    const bucket = new TokenBucket(3, 100, 0);
    expect(bucket.take(4, 1_000_000)).toBe(false);
  });
});

describe('TokenBucket.takeUpTo', () => {
  it('takes what is there, up to the request, in whole tokens', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect(bucket.takeUpTo(4, 0)).toBe(4);
    expect(bucket.takeUpTo(100, 0)).toBe(6);
    expect(bucket.takeUpTo(5, 0)).toBe(0);
    expect(bucket.takeUpTo(5, 750)).toBe(1);
    expect(bucket.takeUpTo(5, 1000)).toBe(1);
    expect(bucket.isFull(1000)).toBe(false);
    expect(bucket.isFull(6000)).toBe(true);
  });
});
