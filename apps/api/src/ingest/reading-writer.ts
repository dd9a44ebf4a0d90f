import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { sameReading, type ValidReading } from '#vitals';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainEvents, type StoredReading } from '../events/domain-events.js';
import { logger } from '../common/logger.js';
import { Batcher } from '../common/batcher.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import type { Binding } from './session-bindings.js';

export type WriteOutcome = 'stored' | 'duplicate' | 'conflict';

export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

interface Pending {
  deviceId: string;
  binding: Binding;
  reading: ValidReading;
}

/**
 * Coalesces readings that arrive together into one multi-row insert every few milliseconds. Each
 * caller's promise settles only after its batch has committed, so an acknowledgement always means
 * "durably stored". A resend of a stored `seq` is told apart from a `seq_conflict` by its content.
 */
@Injectable()
export class ReadingWriter implements OnApplicationShutdown {
  private readonly batcher: Batcher<Pending, WriteOutcome>;

  constructor(
    private readonly readings: ReadingsRepository,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const commit = (batch: Pending[]) =>
      this.commit(batch).catch((error: unknown) => {
        logger.warn({ err: error, readings: batch.length }, 'readings not stored: the database is unavailable');
        throw new StorageUnavailableError(error instanceof Error ? error.message : 'storage unavailable');
      });
    this.batcher = new Batcher(commit, {
      delayMs: config.ingestFlushMs,
      maxBatch: config.ingestMaxBatch,
      maxConcurrent: 2,
    });
  }

  /** Resolves after the reading's batch has committed; rejects with StorageUnavailableError if it could not. */
  write(deviceId: string, binding: Binding, reading: ValidReading): Promise<WriteOutcome> {
    return this.batcher.add({ deviceId, binding, reading });
  }

  /** Resolves once everything queued so far has been committed (or refused). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private async commit(batch: Pending[]): Promise<WriteOutcome[]> {
    const key = (deviceId: string, seq: number | string) => `${deviceId}:${seq}`;
    // Only the first of several items with the same device and seq goes to the insert; the others
    // are compared with what was stored, like any resend.
    const first = new Map<string, Pending>();
    for (const item of batch)
      if (!first.has(key(item.deviceId, item.reading.seq))) first.set(key(item.deviceId, item.reading.seq), item);
    const rows = [...first.values()];
    const inserted = await this.readings.insert(
      rows.map((item) => ({ deviceId: item.deviceId, sessionId: item.binding.sessionId, reading: item.reading })),
    );
    const stored = new Set(inserted.map((row) => key(row.device_id, row.seq)));
    const storedItems = rows.filter((item) => stored.has(key(item.deviceId, item.reading.seq)));
    const storedSet = new Set(storedItems);
    const others = batch.filter((item) => !storedSet.has(item));
    const existing = others.length > 0 ? await this.existing(others) : new Map<string, ValidReading>();
    this.announce(storedItems);
    return batch.map((item) => {
      if (storedSet.has(item)) return 'stored';
      const previous = existing.get(key(item.deviceId, item.reading.seq));
      return previous && sameReading(previous, item.reading) ? 'duplicate' : 'conflict';
    });
  }

  private async existing(items: Pending[]): Promise<Map<string, ValidReading>> {
    const rows = await this.readings.existing(items.map((i) => ({ deviceId: i.deviceId, seq: i.reading.seq })));
    return new Map(rows.map(({ deviceId, reading }) => [`${deviceId}:${reading.seq}`, reading]));
  }

  private announce(items: Pending[]): void {
    const bySite = new Map<string, StoredReading[]>();
    for (const { binding, reading } of items) {
      let list = bySite.get(binding.siteId);
      if (!list) bySite.set(binding.siteId, (list = []));
      list.push({ sessionId: binding.sessionId, reading });
    }
    for (const [siteId, readings] of bySite) this.events.emit('readings.stored', { siteId, readings });
  }
}
