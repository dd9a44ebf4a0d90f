import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sameReading, type ValidReading } from '#vitals';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainEvents, type StoredReading } from '../events/domain-events.js';
import { logger } from '../common/logger.js';
import { Batcher } from '../common/batcher.js';
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

const INSERT_SQL = `
  INSERT INTO readings (device_id, seq, session_id, recorded_at, hr, sbp, dbp, map, spo2, rr, temp)
  SELECT device_id, seq, session_id, 'epoch'::timestamptz + ms * interval '1 millisecond', hr, sbp, dbp, map, spo2, rr, temp
    FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::bigint[],
                $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[])
      AS u(device_id, seq, session_id, ms, hr, sbp, dbp, map, spo2, rr, temp)
  ON CONFLICT (device_id, seq) DO NOTHING
  RETURNING device_id, seq`;

const EXISTING_SQL = `
  SELECT r.device_id, r.seq, r.recorded_at, r.hr, r.sbp, r.dbp, r.map, r.spo2, r.rr, r.temp
    FROM readings r JOIN unnest($1::uuid[], $2::bigint[]) AS k(device_id, seq) USING (device_id, seq)`;

/**
 * Coalesces readings that arrive together into one multi-row insert every few milliseconds. Each
 * caller's promise settles only after its batch has committed, so an acknowledgement always means
 * "durably stored". A resend of a stored `seq` is told apart from a `seq_conflict` by its content.
 */
@Injectable()
export class ReadingWriter implements OnApplicationShutdown {
  private readonly batcher: Batcher<Pending, WriteOutcome>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const column = <T>(pick: (item: Pending) => T) => rows.map(pick);
    const inserted: { device_id: string; seq: string }[] = await this.dataSource.query(INSERT_SQL, [
      column((i) => i.deviceId),
      column((i) => i.reading.seq),
      column((i) => i.binding.sessionId),
      column((i) => i.reading.recordedAtMs),
      column((i) => i.reading.hr),
      column((i) => i.reading.sbp),
      column((i) => i.reading.dbp),
      column((i) => i.reading.map),
      column((i) => i.reading.spo2),
      column((i) => i.reading.rr),
      column((i) => i.reading.temp),
    ]);
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
    const rows: (Omit<ValidReading, 'seq' | 'recordedAtMs'> & { device_id: string; seq: string; recorded_at: Date })[] =
      await this.dataSource.query(EXISTING_SQL, [items.map((i) => i.deviceId), items.map((i) => i.reading.seq)]);
    return new Map(
      rows.map(({ device_id, seq, recorded_at, ...values }) => [
        `${device_id}:${seq}`,
        { ...values, seq: Number(seq), recordedAtMs: recorded_at.getTime() },
      ]),
    );
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
