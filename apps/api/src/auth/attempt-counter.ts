import type { LimitStore } from '../common/limit-store.js';

/** Failures counted under one key in a fixed window that starts with the first of them. */
export interface AttemptCount {
  count: number;
  /** When the window ends and the count starts again from 0 (ms since the epoch); 0 when empty. */
  resetAtMs: number;
}

/**
 * Where the login throttle keeps its failure counts. The policy (auth/login-throttle.ts) asks only
 * this; the service counts in the limit store (`StoreAttemptCounter`): in memory for one instance,
 * in Redis when several must share the counts, so adding instances adds no tries for an attacker.
 */
export abstract class AttemptCounter {
  abstract count(key: string, nowMs: number): Promise<AttemptCount>;
  abstract add(key: string, windowMs: number, nowMs: number): Promise<AttemptCount>;
  abstract clear(key: string): Promise<void>;
}

/** The failure counts in the limit store (common/limit-store.ts): this process's memory, or Redis. */
export class StoreAttemptCounter extends AttemptCounter {
  constructor(private readonly store: LimitStore) {
    super();
  }

  async count(key: string, nowMs: number): Promise<AttemptCount> {
    return toAttemptCount(await this.store.read(`login:${key}`), nowMs);
  }

  async add(key: string, windowMs: number, nowMs: number): Promise<AttemptCount> {
    return toAttemptCount(await this.store.add(`login:${key}`, 1, windowMs), nowMs);
  }

  clear(key: string): Promise<void> {
    return this.store.clear(`login:${key}`);
  }
}

const toAttemptCount = ({ count, resetInMs }: { count: number; resetInMs: number }, nowMs: number): AttemptCount =>
  count > 0 ? { count, resetAtMs: nowMs + resetInMs } : { count: 0, resetAtMs: 0 };
