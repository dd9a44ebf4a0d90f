import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { LIMIT_STORE, type LimitStore } from '../common/limit-store.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** How often a refused attempt of one throttled account or address is written to the audit trail. */
const REFUSAL_RECORD_MS = 10_000;
/** A password check still undecided after this long (its instance died) no longer counts. */
const PENDING_MS = 60_000;

export const tooManyAttempts = (retryAfter: number) =>
  new DomainError('too_many_attempts', `Too many failed attempts; try again in ${retryAfter} s`, {
    retryAfterSeconds: retryAfter,
  });

const userKey = (username: string) => `login:u:${username.toLowerCase()}`;
const addressKey = (ip: string) => `login:ip:${ip}`;

/**
 * Counts failed password checks per username and per source address, in the limit store (shared
 * by every instance when Redis is configured, so N instances give an attacker no more tries than
 * one). After `loginMaxFailures` failures within the lockout window, further attempts are refused
 * with 429 until it passes, even with the right password.
 */
@Injectable()
export class LoginThrottle {
  /** When a refusal was last recorded per throttled key, and how many were not since (this instance). */
  private readonly refusals = new Map<string, { recordedAtMs: number; notRecorded: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LIMIT_STORE) private readonly store: LimitStore,
  ) {}

  /**
   * Seconds until another attempt is allowed, or 0. Attempts still being checked count as failures
   * until they are decided, so a burst of concurrent guesses gets no more checks than the limit.
   */
  async retryAfterSeconds(username: string, ip: string): Promise<number> {
    const [user, address] = await Promise.all([this.state(userKey(username)), this.state(addressKey(ip))]);
    const limit = this.config.loginMaxFailures;
    const lockedMs = Math.max(user.lockedForMs(limit), address.lockedForMs(limit * 4));
    if (lockedMs > 0) return Math.ceil(lockedMs / 1000);
    return user.undecided >= limit || address.undecided >= limit * 4 ? 1 : 0;
  }

  /**
   * Runs a password check. While it runs it counts as a failure of the username and the address
   * (so a burst of concurrent guesses gets no more checks than the limit, on whichever instances
   * they arrive); once decided, a failed check is recorded as one, and a passed one clears the
   * username's failures if `clearOnSuccess`. Refuses with 429 when the check would pass the limit.
   */
  async check<T>(
    username: string,
    ip: string,
    attempt: () => Promise<T>,
    passed: (result: T) => boolean,
    clearOnSuccess: boolean,
  ): Promise<T> {
    const keys = [userKey(username), addressKey(ip)];
    const limits = [this.config.loginMaxFailures, this.config.loginMaxFailures * 4];
    // Reserve first, then look: two instances reserving at once both see both reservations.
    const reserved = await Promise.all(keys.map((key) => this.store.add(`${key}:pending`, 1, PENDING_MS)));
    try {
      const failed = await Promise.all(keys.map((key) => this.store.read(key)));
      if (failed.some((failures, i) => failures.count + reserved[i]!.count > limits[i]!)) throw tooManyAttempts(1);
      const result = await attempt();
      if (!passed(result)) await this.recordFailure(username, ip);
      else if (clearOnSuccess) await this.recordSuccess(username);
      return result;
    } finally {
      await Promise.all(keys.map((key) => this.store.add(`${key}:pending`, -1, PENDING_MS)));
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    // An address may try several accounts (a shared ward PC), so it gets a larger allowance.
    await Promise.all([
      this.bump(userKey(username), this.config.loginMaxFailures),
      this.bump(addressKey(ip), this.config.loginMaxFailures * 4),
    ]);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.store.clear(userKey(username));
  }

  /**
   * Whether a refused (429) attempt goes into the audit trail: the first refusal for the throttled
   * account (or address, when that is what is throttled), then at most one every 10 s carrying the
   * number not recorded since, so a flood of refused attempts cannot become a flood of writes. Kept
   * per instance: N instances write at most N such events per 10 s.
   */
  async refusalToRecord(
    username: string,
    ip: string,
    nowMs = Date.now(),
  ): Promise<{ notRecordedBefore: number } | null> {
    const limit = this.config.loginMaxFailures * 4;
    const address = await this.state(addressKey(ip));
    const key = address.lockedForMs(limit) > 0 || address.undecided >= limit ? addressKey(ip) : userKey(username);
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

  /** Failures in the current window and attempts not yet decided, for one key. */
  private async state(key: string) {
    const [failures, pending] = await Promise.all([this.store.read(key), this.store.read(`${key}:pending`)]);
    return {
      undecided: failures.count + pending.count,
      /** How long the key stays locked: a key at its limit is locked until its counter is forgotten. */
      lockedForMs: (limit: number) => (failures.count >= limit ? failures.resetInMs : 0),
    };
  }

  /** One more failure; the one that reaches the limit locks the key for a whole window from now. */
  private async bump(key: string, limit: number): Promise<void> {
    const { count } = await this.store.add(key, 1, this.windowMs);
    if (count >= limit) await this.store.extend(key, this.windowMs);
  }

  private get windowMs(): number {
    return this.config.loginLockoutSeconds * 1000;
  }
}
