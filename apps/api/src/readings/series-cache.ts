import type { MeasuredValues } from '#contracts';
import type { ReadingSeries } from './reading-series.js';

/** A reading just committed, as the writer announces it (`readings.stored`). */
export interface StoredSeriesReading {
  sessionId: string;
  reading: MeasuredValues & { seq: number; recordedAtMs: number };
}

interface Entry {
  /** Settles when the load has arrived and the readings announced meanwhile are merged in. */
  ready: Promise<ReadingSeries>;
  series: ReadingSeries | null;
  /** Readings announced while the load runs: they may or may not be in its snapshot. */
  pending: StoredSeriesReading['reading'][];
}

/**
 * Sessions' readings kept in memory so that a trend is not read row by row again for every screen
 * that shows it. What makes it safe:
 *
 * - Only committed rows get in: a load's snapshot, and the readings the writer announces after its
 *   commit. The entry exists (and listens) before its load's query starts, so a reading committed
 *   before that query is in the snapshot and one committed after it is announced to the entry; a
 *   reading in both is the same (`recordedAt`, `seq`) and is kept once. Hence every reading
 *   acknowledged to its device before a request starts is in the entry it is served from.
 * - Readings are never updated or deleted, so a cached series is always a subset of the table. The
 *   service still counts the rows of the requested range in the database for every request and uses
 *   the entry only when the count is the same, so a reading that committed without being announced
 *   (the writer lost its connection after the commit) or any change behind the service's back
 *   sends the request to the database and drops the entry.
 * - One service process writes the readings (as for the sessions' detection engines and bindings).
 *
 * Entries are evicted least recently used first once they hold more than `maxBytes`.
 */
export class SeriesCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxBytes: number) {}

  /** The session's series, loaded or loading, if it is cached; marks it recently used. */
  get(sessionId: string): Promise<ReadingSeries> | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    this.entries.delete(sessionId);
    this.entries.set(sessionId, entry);
    return entry.ready;
  }

  /** Loads the session's whole series with `fetch` and keeps it (replacing what was there). */
  load(sessionId: string, fetch: () => Promise<ReadingSeries>): Promise<ReadingSeries> {
    const entry = { series: null, pending: [] } as Omit<Entry, 'ready'> as Entry;
    this.entries.delete(sessionId);
    this.entries.set(sessionId, entry);
    // The entry is in place before `fetch` sends its query: readings announced from now on reach it.
    entry.ready = fetch().then(
      (series) => {
        for (const reading of entry.pending) insert(series, reading);
        entry.pending = [];
        entry.series = series;
        this.evict();
        return series;
      },
      (error: unknown) => {
        if (this.entries.get(sessionId) === entry) this.entries.delete(sessionId);
        throw error;
      },
    );
    return entry.ready;
  }

  /** Forgets the session if `series` is what it holds (a newer load stays). */
  drop(sessionId: string, series: ReadingSeries): void {
    if (this.entries.get(sessionId)?.series === series) this.entries.delete(sessionId);
  }

  /** Readings the writer has just committed: added to the sessions that are cached. */
  add(readings: readonly StoredSeriesReading[]): void {
    let added = false;
    for (const { sessionId, reading } of readings) {
      const entry = this.entries.get(sessionId);
      if (!entry) continue;
      if (entry.series) added = insert(entry.series, reading) || added;
      else entry.pending.push(reading);
    }
    if (added) this.evict();
  }

  /** Bytes held by the loaded entries. */
  get bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.series?.bytes ?? 0;
    return total;
  }

  private evict(): void {
    let total = this.bytes;
    for (const [sessionId, entry] of this.entries) {
      if (total <= this.maxBytes) return;
      if (!entry.series) continue;
      total -= entry.series.bytes;
      this.entries.delete(sessionId);
    }
  }
}

function insert(series: ReadingSeries, reading: StoredSeriesReading['reading']): boolean {
  return series.insert(reading.seq, reading.recordedAtMs * 1000, reading);
}
