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
