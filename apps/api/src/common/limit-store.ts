import { TokenBucket } from '#vitals';

/** A counter's value and how long until it is forgotten (0 when it does not exist). */
export interface Count {
  count: number;
  resetInMs: number;
}

/**
 * Where the limits against abuse are counted: failed logins and device rate budgets. One process
 * counts in its memory; several instances count in Redis, so that adding instances does not
 * multiply what an attacker may try. Every operation is atomic.
 */
export interface LimitStore {
  /**
   * Adds `by` (may be negative) to a counter. A new counter is forgotten `windowMs` after its first
   * addition; one that falls to 0 or below is forgotten at once, and subtracting from a missing
   * counter does nothing.
   */
  add(key: string, by: number, windowMs: number): Promise<Count>;
  read(key: string): Promise<Count>;
  /** The counter is now forgotten `windowMs` from now (a lockout starts again). */
  extend(key: string, windowMs: number): Promise<void>;
  clear(key: string): Promise<void>;
  /**
   * Takes up to `want` whole tokens from a token bucket of `capacity` tokens refilled at `perSecond`
   * (a missing bucket is full); returns how many it got.
   */
  take(key: string, want: number, capacity: number, perSecond: number): Promise<number>;
  close(): Promise<void>;
}

export const LIMIT_STORE = Symbol('LIMIT_STORE');

/**
 * The limits in this process's memory: the single instance's store, and every instance's store
 * while Redis does not answer. Entries are forgotten when they expire (counters) or fill up
 * (buckets), checked as the maps grow, so an attacker's spray of usernames cannot grow them without end.
 */
export class MemoryLimitStore implements LimitStore {
  private readonly counters = new Map<string, { count: number; expiresAtMs: number }>();
  private readonly buckets = new Map<string, TokenBucket>();
  private sweepAt = 1024;

  constructor(private readonly now: () => number = Date.now) {}

  add(key: string, by: number, windowMs: number): Promise<Count> {
    const nowMs = this.now();
    let entry = this.live(key, nowMs);
    if (!entry) {
      if (by <= 0) return Promise.resolve({ count: 0, resetInMs: 0 });
      this.counters.set(key, (entry = { count: 0, expiresAtMs: nowMs + windowMs }));
      this.sweep(nowMs);
    }
    entry.count += by;
    if (entry.count <= 0) {
      this.counters.delete(key);
      return Promise.resolve({ count: 0, resetInMs: 0 });
    }
    return Promise.resolve({ count: entry.count, resetInMs: entry.expiresAtMs - nowMs });
  }

  read(key: string): Promise<Count> {
    const nowMs = this.now();
    const entry = this.live(key, nowMs);
    return Promise.resolve(
      entry ? { count: entry.count, resetInMs: entry.expiresAtMs - nowMs } : { count: 0, resetInMs: 0 },
    );
  }

  extend(key: string, windowMs: number): Promise<void> {
    const nowMs = this.now();
    const entry = this.live(key, nowMs);
    if (entry) entry.expiresAtMs = nowMs + windowMs;
    return Promise.resolve();
  }

  clear(key: string): Promise<void> {
    this.counters.delete(key);
    return Promise.resolve();
  }

  take(key: string, want: number, capacity: number, perSecond: number): Promise<number> {
    return Promise.resolve(this.takeNow(key, want, capacity, perSecond));
  }

  /** `take` without the promise, for the ingest hot path of a single instance. */
  takeNow(key: string, want: number, capacity: number, perSecond: number): number {
    const nowMs = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      this.buckets.set(key, (bucket = new TokenBucket(capacity, perSecond, nowMs)));
      this.sweep(nowMs);
    }
    return bucket.takeUpTo(want, nowMs);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private live(key: string, nowMs: number) {
    const entry = this.counters.get(key);
    if (entry && entry.expiresAtMs <= nowMs) {
      this.counters.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Forgets what no longer counts once the maps have doubled since the last look. */
  private sweep(nowMs: number): void {
    if (this.counters.size + this.buckets.size < this.sweepAt) return;
    for (const [key, entry] of this.counters) if (entry.expiresAtMs <= nowMs) this.counters.delete(key);
    for (const [key, bucket] of this.buckets) if (bucket.isFull(nowMs)) this.buckets.delete(key);
    this.sweepAt = Math.max(1024, 2 * (this.counters.size + this.buckets.size));
  }
}
