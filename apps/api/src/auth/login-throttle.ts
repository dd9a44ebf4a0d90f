import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

interface Failures {
  count: number;
  firstAtMs: number;
  lockedUntilMs: number;
}

/** How often a refused attempt of one throttled account or address is written to the audit trail. */
const REFUSAL_RECORD_MS = 10_000;

/**
 * Counts failed password checks per username and per source address. After `loginMaxFailures`
 * failures within the lockout window, further attempts are refused with 429 until it passes,
 * even with the right password.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();
  /** Attempts whose password is still being checked, per key. */
  private readonly pending = new Map<string, number>();
  /** When a refusal was last recorded per throttled key, and how many were not since. */
  private readonly refusals = new Map<string, { recordedAtMs: number; notRecorded: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * Seconds until another attempt is allowed, or 0. Attempts still being checked count as failures
   * until they are decided, so a burst of concurrent guesses gets no more checks than the limit.
   */
  retryAfterSeconds(username: string, ip: string, nowMs = Date.now()): number {
    const user = `u:${username.toLowerCase()}`;
    const address = `ip:${ip}`;
    const until = Math.max(this.lockedUntil(user, nowMs), this.lockedUntil(address, nowMs));
    if (until > nowMs) return Math.ceil((until - nowMs) / 1000);
    const limit = this.config.loginMaxFailures;
    return this.undecided(user) >= limit || this.undecided(address) >= limit * 4 ? 1 : 0;
  }

  /**
   * Runs a password check. While it runs it counts as a failure of the username and the address
   * (so a burst of concurrent guesses gets no more checks than the limit); once decided, a failed
   * check is recorded as one, and a passed one clears the username's failures if `clearOnSuccess`.
   */
  async check<T>(
    username: string,
    ip: string,
    attempt: () => Promise<T>,
    passed: (result: T) => boolean,
    clearOnSuccess: boolean,
  ): Promise<T> {
    const keys = [`u:${username.toLowerCase()}`, `ip:${ip}`];
    for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    try {
      const result = await attempt();
      if (!passed(result)) this.recordFailure(username, ip);
      else if (clearOnSuccess) this.recordSuccess(username);
      return result;
    } finally {
      for (const key of keys) {
        const left = (this.pending.get(key) ?? 1) - 1;
        if (left > 0) this.pending.set(key, left);
        else this.pending.delete(key);
      }
    }
  }

  recordFailure(username: string, ip: string, nowMs = Date.now()): void {
    this.bump(`u:${username.toLowerCase()}`, nowMs, this.config.loginMaxFailures);
    // An address may try several accounts (a shared ward PC), so it gets a larger allowance.
    this.bump(`ip:${ip}`, nowMs, this.config.loginMaxFailures * 4);
  }

  recordSuccess(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }

  /**
   * Whether a refused (429) attempt goes into the audit trail: the first refusal for the throttled
   * account (or address, when that is what is throttled), then at most one every 10 s carrying the
   * number not recorded since, so a flood of refused attempts cannot become a flood of writes.
   */
  refusalToRecord(username: string, ip: string, nowMs = Date.now()): { notRecordedBefore: number } | null {
    const address = `ip:${ip}`;
    const addressThrottled =
      this.lockedUntil(address, nowMs) > nowMs || this.undecided(address) >= this.config.loginMaxFailures * 4;
    const key = addressThrottled ? address : `u:${username.toLowerCase()}`;
    const last = this.refusals.get(key);
    if (last && nowMs - last.recordedAtMs < REFUSAL_RECORD_MS) {
      last.notRecorded++;
      return null;
    }
    if (this.refusals.size > 10_000) {
      for (const [k, v] of this.refusals) if (nowMs - v.recordedAtMs >= REFUSAL_RECORD_MS) this.refusals.delete(k);
    }
    this.refusals.set(key, { recordedAtMs: nowMs, notRecorded: 0 });
    return { notRecordedBefore: last?.notRecorded ?? 0 };
  }

  /** Failures in the current window plus attempts not yet decided. */
  private undecided(key: string): number {
    return (this.failures.get(key)?.count ?? 0) + (this.pending.get(key) ?? 0);
  }

  private lockedUntil(key: string, nowMs: number): number {
    const entry = this.failures.get(key);
    if (entry && entry.lockedUntilMs <= nowMs && nowMs - entry.firstAtMs > this.windowMs) this.failures.delete(key);
    return entry?.lockedUntilMs ?? 0;
  }

  private bump(key: string, nowMs: number, limit: number): void {
    let entry = this.failures.get(key);
    if (!entry || nowMs - entry.firstAtMs > this.windowMs) {
      entry = { count: 0, firstAtMs: nowMs, lockedUntilMs: 0 };
      this.failures.set(key, entry);
    }
    entry.count++;
    if (entry.count >= limit) entry.lockedUntilMs = nowMs + this.windowMs;
  }

  private get windowMs(): number {
    return this.config.loginLockoutSeconds * 1000;
  }
}
