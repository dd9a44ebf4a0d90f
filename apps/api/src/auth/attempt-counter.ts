import { Injectable } from '@nestjs/common';

/** Failures counted under one key in a fixed window that starts with the first of them. */
export interface AttemptCount {
  count: number;
  /** When the window ends and the count starts again from 0 (ms since the epoch); 0 when empty. */
  resetAtMs: number;
}

/**
 * Where the login throttle keeps its failure counts. The policy (auth/login-throttle.ts) asks only
 * this; the in-memory implementation below serves one instance, and a Redis-backed store (INCR with
 * PEXPIRE … NX per key) takes its place when several instances must share the counts.
 */
export abstract class AttemptCounter {
  abstract count(key: string, nowMs: number): Promise<AttemptCount>;
  abstract add(key: string, windowMs: number, nowMs: number): Promise<AttemptCount>;
  abstract clear(key: string): Promise<void>;
}

/** More keys than an attack leaves in one window; past it, expired windows are swept. */
const SWEEP_AT = 50_000;

@Injectable()
export class MemoryAttemptCounter extends AttemptCounter {
  private readonly windows = new Map<string, AttemptCount>();

  count(key: string, nowMs: number): Promise<AttemptCount> {
    return Promise.resolve(this.live(key, nowMs) ?? { count: 0, resetAtMs: 0 });
  }

  add(key: string, windowMs: number, nowMs: number): Promise<AttemptCount> {
    let window = this.live(key, nowMs);
    if (!window) {
      if (this.windows.size >= SWEEP_AT) this.sweep(nowMs);
      window = { count: 0, resetAtMs: nowMs + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return Promise.resolve({ ...window });
  }

  clear(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  private live(key: string, nowMs: number): AttemptCount | null {
    const window = this.windows.get(key);
    if (window && window.resetAtMs <= nowMs) {
      this.windows.delete(key);
      return null;
    }
    return window ?? null;
  }

  private sweep(nowMs: number): void {
    for (const [key, window] of this.windows) if (window.resetAtMs <= nowMs) this.windows.delete(key);
  }
}
