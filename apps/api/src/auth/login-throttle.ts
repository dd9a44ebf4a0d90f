import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { type AttemptCount, AttemptCounter } from './attempt-counter.js';

/** Which limit refused an attempt. */
export type ThrottleScope = 'pair' | 'address' | 'signer';

export type Throttled<T> = { throttled: { retryAfterSeconds: number; scope: ThrottleScope } } | { result: T };

/** An address may try several accounts (a shared ward PC, a clinic behind one NAT address). */
export const ADDRESS_FACTOR = 4;
/** A signer's own wrong signature passwords allowed per window before their signatures wait. */
export const SIGNER_FACTOR = 2;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 8000;

/** How often a refused attempt of one throttled pair or address is written to the audit trail. */
const REFUSAL_RECORD_MS = 10_000;

/**
 * The failed-login policy. No one can lock another person out:
 * - a username tried from one address: `loginMaxFailures` failures in the window refuse that pair
 *   (429) until the window ends; the same username from any other address is not refused;
 * - an address: `ADDRESS_FACTOR` × as many failures over any usernames refuse that address;
 * - a username from everywhere: from `loginMaxFailures` failures on, each attempt is answered only after
 *   a delay that doubles with every failure, from 0.5 s to at most 8 s — slower, never refused, so a
 *   stranger's guesses can slow the real user's sign-in by seconds but not stop it;
 * - a signature (password entered again): only the signer's own wrong passwords count, slowing their
 *   next ones as above and refusing them after `SIGNER_FACTOR` × `loginMaxFailures`. Nobody else's
 *   failures touch it.
 * Attempts still being checked count as failures of their pair and address until decided, so a burst
 * of concurrent guesses gets no more checks than the limit. Counts live in an AttemptCounter (in
 * memory, or shared by several instances); the attempts in flight are this process's own.
 */
@Injectable()
export class LoginThrottle {
  private readonly pending = new Map<string, number>();
  private readonly refusals = new Map<string, { recordedAtMs: number; notRecorded: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly counter: AttemptCounter,
  ) {}

  /** Runs a sign-in's password check under the policy, or refuses it. */
  async login<T>(
    username: string,
    ip: string,
    attempt: () => Promise<T>,
    passed: (result: T) => boolean,
  ): Promise<Throttled<T>> {
    const name = username.toLowerCase();
    const pairKey = `pair:${name}\n${ip}`;
    const addressKey = `address:${ip}`;
    const userKey = `user:${name}`;
    const pairAhead = this.enter(pairKey);
    const addressAhead = this.enter(addressKey);
    try {
      const nowMs = Date.now();
      const [pair, address, user] = await Promise.all(
        [pairKey, addressKey, userKey].map((key) => this.counter.count(key, nowMs)),
      );
      const limit = this.config.loginMaxFailures;
      if (pair.count + pairAhead >= limit) return refused(pair, limit, nowMs, 'pair');
      if (address.count + addressAhead >= limit * ADDRESS_FACTOR)
        return refused(address, limit * ADDRESS_FACTOR, nowMs, 'address');
      await this.delay(user.count);
      const result = await attempt();
      if (passed(result)) await this.counter.clear(pairKey);
      else await Promise.all([pairKey, addressKey, userKey].map((key) => this.counter.add(key, this.windowMs, nowMs)));
      return { result };
    } finally {
      this.leave(pairKey);
      this.leave(addressKey);
    }
  }

  /** Runs a signature's password check: only this signer's own failures slow or refuse it. */
  async signature(userId: string, attempt: () => Promise<boolean>): Promise<Throttled<boolean>> {
    const key = `signer:${userId}`;
    const ahead = this.enter(key);
    try {
      const nowMs = Date.now();
      const own = await this.counter.count(key, nowMs);
      const limit = this.config.loginMaxFailures * SIGNER_FACTOR;
      if (own.count + ahead >= limit) return refused(own, limit, nowMs, 'signer');
      await this.delay(own.count);
      const ok = await attempt();
      if (ok) await this.counter.clear(key);
      else await this.counter.add(key, this.windowMs, nowMs);
      return { result: ok };
    } finally {
      this.leave(key);
    }
  }

  /**
   * Whether a refused (429) attempt goes into the audit trail: the first refusal of a throttled pair,
   * address or signer, then at most one every 10 s carrying the number not recorded since, so a flood
   * of refused attempts cannot become a flood of writes.
   */
  refusalToRecord(scopeKey: string, nowMs = Date.now()): { notRecordedBefore: number } | null {
    const last = this.refusals.get(scopeKey);
    if (last && nowMs - last.recordedAtMs < REFUSAL_RECORD_MS) {
      last.notRecorded++;
      return null;
    }
    if (this.refusals.size > 10_000) {
      for (const [k, v] of this.refusals) if (nowMs - v.recordedAtMs >= REFUSAL_RECORD_MS) this.refusals.delete(k);
    }
    this.refusals.set(scopeKey, { recordedAtMs: nowMs, notRecorded: 0 });
    return { notRecordedBefore: last?.notRecorded ?? 0 };
  }

  /** The wait before checking a password after `failures` recent failures: 0, then 0.5 s doubling to 8 s. */
  delayMsFor(failures: number): number {
    const over = failures - this.config.loginMaxFailures;
    return over < 0 ? 0 : Math.min(FIRST_DELAY_MS * 2 ** over, MAX_DELAY_MS);
  }

  private async delay(failures: number): Promise<void> {
    const ms = this.delayMsFor(failures);
    if (ms > 0) await sleep(ms);
  }

  /** Counts an attempt in flight under `key`; returns how many were already in flight. */
  private enter(key: string): number {
    const ahead = this.pending.get(key) ?? 0;
    this.pending.set(key, ahead + 1);
    return ahead;
  }

  private leave(key: string): void {
    const left = (this.pending.get(key) ?? 1) - 1;
    if (left > 0) this.pending.set(key, left);
    else this.pending.delete(key);
  }

  private get windowMs(): number {
    return this.config.loginLockoutSeconds * 1000;
  }
}

function refused<T>(window: AttemptCount, limit: number, nowMs: number, scope: ThrottleScope): Throttled<T> {
  // Refused only for attempts still in flight: a second is enough for them to be decided.
  const retryAfterSeconds = window.count >= limit ? Math.max(1, Math.ceil((window.resetAtMs - nowMs) / 1000)) : 1;
  return { throttled: { retryAfterSeconds, scope } };
}
