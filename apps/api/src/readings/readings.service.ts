import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { VitalsEvent } from '#contracts';
import { logger } from '../common/logger.js';
import { DomainEvents } from '../events/domain-events.js';
import { ReadingSeries } from './reading-series.js';
import { type ReadingRecord, ReadingsRepository } from './readings.repository.js';
import { type TrendPage, trendPage } from './series-queries.js';
import { SeriesCache } from './series-cache.js';

export function toVitals(row: ReadingRecord): VitalsEvent {
  return {
    sessionId: row.session_id,
    seq: Number(row.seq),
    recordedAt: row.recorded_at.toISOString(),
    hr: row.hr,
    sbp: row.sbp,
    dbp: row.dbp,
    map: row.map,
    spo2: row.spo2,
    rr: row.rr,
    temp: row.temp,
  };
}

/** Memory for cached series: 72 bytes a reading, about 1 MiB for 4 hours at 1 Hz, so some 60 such sessions. */
const CACHE_BYTES = 64 * 2 ** 20;

interface TrendRange {
  from?: string;
  to?: string;
  maxPoints: number;
}

@Injectable()
export class ReadingsService implements OnModuleDestroy {
  private readonly cache = new SeriesCache(CACHE_BYTES);
  private readonly unsubscribe: () => void;

  constructor(
    private readonly readings: ReadingsRepository,
    events: DomainEvents,
  ) {
    this.unsubscribe = events.on('readings.stored', ({ readings }) => {
      try {
        this.cache.add(readings);
      } catch (error) {
        // Never fail the writer's announcement; the request-time count check catches a series that missed it.
        logger.error({ err: error }, 'cached trend series not updated');
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /**
   * A session's readings by `recordedAt`, at most `maxPoints` of them, peaks kept. A whole-session
   * trend is kept in memory (see `SeriesCache`) and checked against the database's count for
   * every request; a time range is cut from it, or read on its own when the session is not cached.
   */
  async trend(sessionId: string, range: TrendRange): Promise<TrendPage> {
    // The row's form of the id (the route accepts upper case), as the readings and the cache know it.
    const id = sessionId.toLowerCase();
    const [from, to] = [range.from ?? null, range.to ?? null];
    const cached = this.cache.get(id);
    if (cached) {
      const [series, count] = await Promise.all([cached.catch(() => null), this.readings.rangeCount(id, from, to)]);
      if (series) {
        // Cut and read in the same turn as the check: an announced reading may change positions later.
        const [start, end] = series.bounds(Number(count.fromUs), Number(count.toUs));
        if (end - start === count.n) return trendPage(series, start, end, range.maxPoints, sessionId, id);
        logger.debug({ sessionId: id, cached: end - start, stored: count.n }, 'cached trend series out of date');
        this.cache.drop(id, series);
      }
    }
    const whole = range.from == null && range.to == null;
    const series = whole ? await this.cache.load(id, () => this.fetch(id, from, to)) : await this.fetch(id, from, to);
    return trendPage(series, 0, series.length, range.maxPoints, sessionId, id);
  }

  /** The newest reading of each of these sessions. */
  async latest(sessionIds: string[]): Promise<Map<string, VitalsEvent>> {
    if (sessionIds.length === 0) return new Map();
    const rows = await this.readings.latest(sessionIds);
    return new Map(rows.map((row) => [row.session_id, toVitals(row)]));
  }

  private async fetch(sessionId: string, from: string | null, to: string | null): Promise<ReadingSeries> {
    return ReadingSeries.fromText(await this.readings.seriesText(sessionId, from, to));
  }
}
