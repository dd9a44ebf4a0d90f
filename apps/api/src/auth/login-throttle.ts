import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

interface Failures {
  count: number;
  firstAtMs: number;
  lockedUntilMs: number;
}

/**
 * Counts failed password checks per username and per source address. After `loginMaxFailures`
 * failures within the lockout window, further attempts are refused with 429 until it passes,
 * even with the right password.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Seconds until another attempt is allowed, or 0. */
  retryAfterSeconds(username: string, ip: string, nowMs = Date.now()): number {
    const until = Math.max(this.lockedUntil(`u:${username.toLowerCase()}`, nowMs), this.lockedUntil(`ip:${ip}`, nowMs));
    return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
  }

  recordFailure(username: string, ip: string, nowMs = Date.now()): void {
    this.bump(`u:${username.toLowerCase()}`, nowMs, this.config.loginMaxFailures);
    // An address may try several accounts (a shared ward PC), so it gets a larger allowance.
    this.bump(`ip:${ip}`, nowMs, this.config.loginMaxFailures * 4);
  }

  recordSuccess(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
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
