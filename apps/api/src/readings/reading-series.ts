import { MEASUREMENTS, type MeasuredValues, type VitalsEvent } from '#contracts';
import type { TrendPoint } from '#vitals';

/** The columns of a series as the database sends them: a count and one comma-separated text per field. */
export interface SeriesText {
  n: number;
  seq: string | null;
  us: string | null;
  hr: string | null;
  sbp: string | null;
  dbp: string | null;
  map: string | null;
  spo2: string | null;
  rr: string | null;
  temp: string | null;
}

/** A reading of a series as `downsample` sees it, with its position in the series. */
export interface SeriesPoint extends TrendPoint {
  index: number;
}

const GROWTH = 1.5;
/** Room for 10 minutes of one reading a second before a loaded series first has to grow. */
const HEADROOM = 600;

/**
 * A session's readings in (`recordedAt`, `seq`) order — the order of the trend query — one typed
 * array per field: 72 bytes a reading instead of an object with a Date and seven boxed numbers.
 * Times are microseconds since the epoch (PostgreSQL's resolution, so range bounds compare exactly);
 * NaN marks a measurement that was not taken (a stored measurement is always finite).
 */
export class ReadingSeries {
  length = 0;
  private seqs: Float64Array;
  private times: Float64Array;
  private readonly values: Record<(typeof MEASUREMENTS)[number], Float64Array>;

  constructor(capacity: number) {
    this.seqs = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.values = Object.fromEntries(
      MEASUREMENTS.map((m) => [m, new Float64Array(capacity)]),
    ) as ReadingSeries['values'];
  }

  /** A series from the one row of `SERIES_SQL`. */
  static fromText(text: SeriesText): ReadingSeries {
    const series = new ReadingSeries(text.n + HEADROOM);
    if (text.n === 0) return series;
    const fill = (target: Float64Array, column: string | null) => {
      const parts = column?.split(',') ?? [];
      if (parts.length !== text.n) throw new Error(`series column has ${parts.length} values, expected ${text.n}`);
      for (let i = 0; i < parts.length; i++) target[i] = parts[i] === '' ? NaN : Number(parts[i]);
    };
    fill(series.seqs, text.seq);
    fill(series.times, text.us);
    for (const m of MEASUREMENTS) fill(series.values[m], text[m]);
    series.length = text.n;
    series.ensureOrdered();
    return series;
  }

  /** Bytes held, for the cache's budget. */
  get bytes(): number {
    return this.seqs.length * 8 * (2 + MEASUREMENTS.length);
  }

  /**
   * Adds a stored reading at its place in the order; false (and nothing changes) when the series
   * already holds a reading with the same time and `seq`, i.e. that very row.
   */
  insert(seq: number, us: number, values: MeasuredValues): boolean {
    let at = this.length;
    if (at > 0 && this.compareAt(at - 1, us, seq) >= 0) {
      at = this.lowerBound(us, seq);
      if (at < this.length && this.compareAt(at, us, seq) === 0) return false;
    }
    if (this.length === this.seqs.length) this.grow();
    if (at < this.length) {
      for (const column of this.columns()) column.copyWithin(at + 1, at, this.length);
    }
    this.seqs[at] = seq;
    this.times[at] = us;
    for (const m of MEASUREMENTS) this.values[m][at] = values[m] ?? NaN;
    this.length++;
    return true;
  }

  /** The positions `[start, end)` of the readings recorded from `fromUs` to `toUs`, both included. */
  bounds(fromUs: number, toUs: number): [number, number] {
    const start = this.firstAtOrAfter(fromUs);
    const end = this.firstAfter(toUs);
    return [start, Math.max(start, end)];
  }

  /** Positions `[start, end)` as `downsample` takes them. */
  points(start: number, end: number): SeriesPoint[] {
    const { hr, sbp, dbp, spo2 } = this.values;
    const points = new Array<SeriesPoint>(end - start);
    for (let i = start; i < end; i++) {
      points[i - start] = {
        index: i,
        t: Math.floor(this.times[i]! / 1000),
        hr: orNull(hr[i]!),
        sbp: orNull(sbp[i]!),
        dbp: orNull(dbp[i]!),
        spo2: orNull(spo2[i]!),
      };
    }
    return points;
  }

  /** The reading at `index` as REST and the ward show it. */
  vitals(sessionId: string, index: number): VitalsEvent {
    const { hr, sbp, dbp, map, spo2, rr, temp } = this.values;
    return {
      sessionId,
      seq: this.seqs[index]!,
      // Truncated to the millisecond, as a JavaScript Date holds it.
      recordedAt: isoTime(Math.floor(this.times[index]! / 1000)),
      hr: orNull(hr[index]!),
      sbp: orNull(sbp[index]!),
      dbp: orNull(dbp[index]!),
      map: orNull(map[index]!),
      spo2: orNull(spo2[index]!),
      rr: orNull(rr[index]!),
      temp: orNull(temp[index]!),
    };
  }

  private columns(): Float64Array[] {
    return [this.seqs, this.times, ...MEASUREMENTS.map((m) => this.values[m])];
  }

  private grow(): void {
    const capacity = Math.max(HEADROOM, Math.ceil(this.seqs.length * GROWTH));
    const larger = (column: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(column.subarray(0, this.length));
      return next;
    };
    this.seqs = larger(this.seqs);
    this.times = larger(this.times);
    for (const m of MEASUREMENTS) this.values[m] = larger(this.values[m]);
  }

  /** Sign of (reading at `i`) − (`us`, `seq`) in series order. */
  private compareAt(i: number, us: number, seq: number): number {
    return this.times[i]! - us || this.seqs[i]! - seq;
  }

  private lowerBound(us: number, seq: number): number {
    return this.firstNotBefore((i) => this.compareAt(i, us, seq) < 0);
  }

  private firstAtOrAfter(us: number): number {
    return this.firstNotBefore((i) => this.times[i]! < us);
  }

  private firstAfter(us: number): number {
    return this.firstNotBefore((i) => this.times[i]! <= us);
  }

  /** Binary search: the first index for which `before` is false (`before` holds for a prefix). */
  private firstNotBefore(before: (i: number) => boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(mid)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The query orders its rows; this only guards the aggregate's input order, which SQL does not promise. */
  private ensureOrdered(): void {
    for (let i = 1; i < this.length; i++) {
      if (this.compareAt(i - 1, this.times[i]!, this.seqs[i]!) > 0) {
        const order = Array.from({ length: this.length }, (_, k) => k).sort(
          (a, b) => this.times[a]! - this.times[b]! || this.seqs[a]! - this.seqs[b]!,
        );
        for (const column of this.columns()) {
          const copy = column.slice(0, this.length);
          order.forEach((from, to) => (column[to] = copy[from]!));
        }
        return;
      }
    }
  }
}

const DAY_MS = 86_400_000;
let isoDay = NaN;
let isoDayPrefix = '';

/**
 * `new Date(ms).toISOString()` for whole milliseconds, about six times faster (it is most of the
 * work of turning a kept reading into JSON): the readings of a trend share their day,
 * so the date part is formatted once a day and the time of day by arithmetic.
 */
export function isoTime(ms: number): string {
  // The range of a Date; `toISOString` throws this for a time outside it (or NaN).
  if (!(Math.abs(ms) <= 8.64e15)) throw new RangeError('Invalid time value');
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    isoDayPrefix = iso.slice(0, iso.indexOf('T') + 1);
    isoDay = day;
  }
  const inDay = ms - day * DAY_MS;
  const millis = inDay % 1000;
  return `${isoDayPrefix}${two(Math.floor(inDay / 3_600_000))}:${two(Math.floor(inDay / 60_000) % 60)}:${two(
    Math.floor(inDay / 1000) % 60,
  )}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

function orNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}
