/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`. Time is passed in, so it is
 * deterministic under test.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.updatedAtMs = nowMs;
  }

  /** Takes `count` tokens if all are available; otherwise takes none. */
  take(count: number, nowMs: number): boolean {
    this.refill(nowMs);
    if (count > this.tokens) return false;
    this.tokens -= count;
    return true;
  }

  /** Takes as many whole tokens as are available, up to `count`; returns how many it took. */
  takeUpTo(count: number, nowMs: number): number {
    this.refill(nowMs);
    const taken = Math.max(0, Math.min(count, Math.floor(this.tokens)));
    this.tokens -= taken;
    return taken;
  }

  /** Whether the bucket is full at `nowMs`, i.e. forgetting it changes nothing. */
  isFull(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.capacity;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.updatedAtMs) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
    this.updatedAtMs = nowMs;
  }
}
