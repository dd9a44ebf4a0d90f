import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LIMIT_STORE, type LimitStore, MemoryLimitStore } from '../common/limit-store.js';

/** Tokens of a device's shared budget that this instance holds, and the lease under way. */
interface Lease {
  tokens: number;
  pending: Promise<number> | null;
  waiting: number;
  usedAtMs: number;
}

/** A device idle this long forgets its lease here (its unused tokens return with the budget's refill). */
const LEASE_IDLE_MS = 60_000;

/**
 * How many readings each device may send: a token bucket of DEVICE_RATE_BURST tokens refilled at
 * DEVICE_RATE_PER_SECOND. One instance keeps the buckets in memory and answers at once.
 *
 * Several instances share each device's bucket in Redis, without a Redis round trip per reading:
 * an instance leases a slice of the device's tokens (one second's worth) and spends it locally,
 * leasing the next slice in the background when half of it is spent. A steady device waits for
 * Redis only on its first reading; a burst waits once per slice (slices grow to the burst). An
 * attacker spreading one device over N instances gains at most N slices over the shared budget
 * once, never a multiple of the rate. With Redis down, the store counts locally (see
 * RedisLimitStore) and readings are still stored and acknowledged.
 */
@Injectable()
export class DeviceRateLimit {
  private readonly capacity: number;
  private readonly perSecond: number;
  private readonly slice: number;
  private readonly leases = new Map<string, Lease>();
  private sweepAt = 1024;

  constructor(
    @Inject(LIMIT_STORE) private readonly store: LimitStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.capacity = config.deviceRateBurst;
    this.perSecond = config.deviceRatePerSecond;
    this.slice = Math.max(1, Math.min(this.capacity, Math.ceil(this.perSecond)));
  }

  /** Takes one reading's token: `true`/`false` at once when it can tell, else a promise of it. */
  take(deviceId: string): boolean | Promise<boolean> {
    if (this.store instanceof MemoryLimitStore) {
      return this.store.takeNow(`device:${deviceId}`, 1, this.capacity, this.perSecond) === 1;
    }
    const nowMs = Date.now();
    let lease = this.leases.get(deviceId);
    if (!lease) {
      this.leases.set(deviceId, (lease = { tokens: 0, pending: null, waiting: 0, usedAtMs: nowMs }));
      this.sweep(nowMs);
    }
    lease.usedAtMs = nowMs;
    if (lease.tokens >= 1) {
      lease.tokens--;
      if (lease.tokens < this.slice / 2 && !lease.pending) void this.lease(deviceId, lease, this.slice);
      return true;
    }
    return this.wait(deviceId, lease);
  }

  private async wait(deviceId: string, lease: Lease): Promise<boolean> {
    lease.waiting++;
    try {
      for (;;) {
        const granted = await (lease.pending ?? this.lease(deviceId, lease, Math.max(this.slice, lease.waiting)));
        if (lease.tokens >= 1) {
          lease.tokens--;
          return true;
        }
        if (granted === 0) return false;
      }
    } finally {
      lease.waiting--;
    }
  }

  private lease(deviceId: string, lease: Lease, want: number): Promise<number> {
    const pending = this.store
      .take(`device:${deviceId}`, Math.min(want, this.capacity), this.capacity, this.perSecond)
      .catch(() => 0)
      .then((granted) => {
        lease.tokens += granted;
        lease.pending = null;
        return granted;
      });
    lease.pending = pending;
    return pending;
  }

  private sweep(nowMs: number): void {
    if (this.leases.size < this.sweepAt) return;
    for (const [deviceId, lease] of this.leases) {
      if (nowMs - lease.usedAtMs > LEASE_IDLE_MS && !lease.pending && lease.waiting === 0) this.leases.delete(deviceId);
    }
    this.sweepAt = Math.max(1024, 2 * this.leases.size);
  }
}
