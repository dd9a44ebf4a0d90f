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
    const elapsed = Math.max(0, nowMs - this.updatedAtMs) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
    this.updatedAtMs = nowMs;
    if (count > this.tokens) return false;
    this.tokens -= count;
    return true;
  }
}
