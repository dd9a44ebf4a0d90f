import { downsample } from '#vitals';
import { isoTime, ReadingSeries, type SeriesText } from './reading-series.js';
import { trendPage } from './series-queries.js';
import { SeriesCache, type StoredSeriesReading } from './series-cache.js';

const T0 = Date.UTC(2026, 0, 1, 8) * 1000; // microseconds
const SESSION = '30688c88-00b1-4789-8a9a-5deee656ef88';

type Row = { seq: number; us: number; hr?: number | null; sbp?: number | null; spo2?: number | null; temp?: number };

/** What SERIES_SQL sends for these rows (in the given order). */
function text(rows: Row[]): SeriesText {
  const col = (pick: (r: Row) => number | null | undefined) =>
    rows.length === 0 ? null : rows.map((r) => (pick(r) == null ? '' : String(pick(r)))).join(',');
  return {
    n: rows.length,
    seq: col((r) => r.seq),
    us: col((r) => r.us),
    hr: col((r) => r.hr),
    sbp: col((r) => r.sbp),
    dbp: col((r) => (r.sbp == null ? null : 80)),
    map: col(() => null),
    spo2: col((r) => r.spo2),
    rr: col(() => null),
    temp: col((r) => r.temp),
  };
}

function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    us: T0 + i * 1_000_000,
    hr: i % 97 === 5 ? 0 : 60 + ((i * 7) % 41),
    sbp: i % 240 === 0 ? 110 + (i % 37) : null,
    spo2: 90 + (i % 9),
    temp: 36.6,
  }));
}

function stored(seq: number, us: number, hr = 70): StoredSeriesReading['reading'] {
  return { seq, recordedAtMs: us / 1000, hr, sbp: null, dbp: null, map: null, spo2: 97, rr: null, temp: null };
}

describe('ReadingSeries', () => {
  it('reads the aggregate row: values, nulls, times truncated to the millisecond', () => {
    const series = ReadingSeries.fromText(
      text([
        { seq: 1, us: T0 + 999, hr: 72, sbp: 120, spo2: 0, temp: 36.6 },
        { seq: 2, us: T0 + 1_000_000, hr: null, spo2: 97.5 },
      ]),
    );
    expect(series.length).toBe(2);
    expect(series.vitals(SESSION, 0)).toEqual({
      sessionId: SESSION,
      seq: 1,
      recordedAt: new Date(T0 / 1000).toISOString(),
      hr: 72,
      sbp: 120,
      dbp: 80,
      map: null,
      spo2: 0,
      rr: null,
      temp: 36.6,
    });
    expect(series.vitals(SESSION, 1)).toMatchObject({ seq: 2, hr: null, sbp: null, spo2: 97.5, temp: null });
  });

  it('reads an empty range and refuses a malformed one', () => {
    expect(ReadingSeries.fromText(text([])).length).toBe(0);
    expect(() => ReadingSeries.fromText({ ...text(rows(3)), hr: '1,2' })).toThrow(/2 values, expected 3/);
  });

  it('puts rows that arrive out of order in (recordedAt, seq) order', () => {
    const series = ReadingSeries.fromText(
      text([
        { seq: 3, us: T0 + 2 },
        { seq: 2, us: T0 + 1 },
        { seq: 1, us: T0 + 1 },
      ]),
    );
    expect([0, 1, 2].map((i) => series.vitals(SESSION, i).seq)).toEqual([1, 2, 3]);
  });

  it('inserts readings in order, keeps one copy of a row and grows', () => {
    const series = ReadingSeries.fromText(text(rows(3)));
    expect(series.insert(10, T0 + 10_000_000, stored(10, 0))).toBe(true);
    expect(series.insert(4, T0 + 3_000_000, stored(4, 0))).toBe(true);
    expect(series.insert(2, T0 + 1_000_000, stored(2, 0))).toBe(false);
    expect(series.insert(10, T0 + 10_000_000, stored(10, 0))).toBe(false);
    expect(series.length).toBe(5);
    for (let seq = 11; seq < 2000; seq++) series.insert(seq, T0 + seq * 1_000_000, stored(seq, 0));
    expect(series.length).toBe(1994);
    const seqs = Array.from({ length: series.length }, (_, i) => series.vitals(SESSION, i).seq);
    expect(seqs.slice(0, 6)).toEqual([1, 2, 3, 4, 10, 11]);
    expect(seqs.at(-1)).toBe(1999);
  });

  it('cuts a range with both bounds included', () => {
    const series = ReadingSeries.fromText(text(rows(10)));
    expect(series.bounds(-Infinity, Infinity)).toEqual([0, 10]);
    expect(series.bounds(T0 + 2_000_000, T0 + 5_000_000)).toEqual([2, 6]);
    expect(series.bounds(T0 + 2_000_001, T0 + 4_999_999)).toEqual([3, 5]);
    expect(series.bounds(T0 + 5_000_000, T0 + 2_000_000)).toEqual([5, 5]);
  });

  it('gives downsample what the row objects gave it: the same points, peaks and all', () => {
    const data = rows(14_400);
    data[7001]!.hr = 171;
    data[9002]!.spo2 = 84;
    const series = ReadingSeries.fromText(text(data));
    for (const maxPoints of [10, 100, 1000, 1500, 20_000]) {
      const objects = data.map((r) => ({ ...series.vitals(SESSION, r.seq - 1), t: Math.floor(r.us / 1000) }));
      const expected = downsample(objects, maxPoints).map(({ t: _t, ...vitals }) => vitals);
      const page = trendPage(series, 0, series.length, maxPoints, SESSION.toUpperCase(), SESSION);
      expect(page.readings).toEqual(expected);
      expect(page).toMatchObject({ sessionId: SESSION.toUpperCase(), total: 14_400, downsampled: maxPoints < 14_400 });
    }
    const [start, end] = series.bounds(T0 + 1000 * 1_000_000, T0 + 1999 * 1_000_000);
    expect(trendPage(series, start, end, 5000, SESSION, SESSION).total).toBe(1000);
  });
});

describe('isoTime', () => {
  it('formats as Date.prototype.toISOString does', () => {
    const times = [0, -1, 999, 86_399_999, 86_400_000, -62_167_219_200_001, 253_402_300_799_999, 8.64e15, -8.64e15];
    for (let i = 0; i < 20_000; i++) times.push(Math.floor((Math.random() - 0.2) * 4e12));
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    for (const ms of [NaN, Infinity, 8.64e15 + 1]) expect(() => isoTime(ms)).toThrow(RangeError);
  });
});

describe('SeriesCache', () => {
  const deferred = () => {
    let resolve!: (series: ReadingSeries) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<ReadingSeries>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };

  it('merges readings announced during the load, once each, and ignores other sessions', async () => {
    const cache = new SeriesCache(1e9);
    const load = deferred();
    const loading = cache.load(SESSION, () => load.promise);
    // Committed before the snapshot (so also in it), and after it.
    cache.add([{ sessionId: SESSION, reading: stored(3, T0 + 2_000_000) }]);
    cache.add([{ sessionId: SESSION, reading: stored(4, T0 + 3_000_000) }]);
    cache.add([{ sessionId: 'other', reading: stored(1, T0) }]);
    load.resolve(ReadingSeries.fromText(text(rows(3))));
    const series = await loading;
    expect(series.length).toBe(4);
    cache.add([{ sessionId: SESSION, reading: stored(5, T0 + 4_000_000) }]);
    cache.add([{ sessionId: SESSION, reading: stored(4, T0 + 3_000_000) }]);
    expect(series.length).toBe(5);
    expect(await cache.get(SESSION)).toBe(series);
    expect(cache.get('other')).toBeUndefined();
  });

  it('forgets a failed load and a dropped series, but not a newer one', async () => {
    const cache = new SeriesCache(1e9);
    await expect(cache.load(SESSION, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cache.get(SESSION)).toBeUndefined();
    const first = await cache.load(SESSION, async () => ReadingSeries.fromText(text(rows(2))));
    const second = await cache.load(SESSION, async () => ReadingSeries.fromText(text(rows(2))));
    cache.drop(SESSION, first);
    expect(await cache.get(SESSION)).toBe(second);
    cache.drop(SESSION, second);
    expect(cache.get(SESSION)).toBeUndefined();
  });

  it('evicts the least recently used sessions beyond its budget', async () => {
    const one = ReadingSeries.fromText(text(rows(1000)));
    const cache = new SeriesCache(one.bytes * 2.5);
    for (const id of ['a', 'b']) await cache.load(id, async () => ReadingSeries.fromText(text(rows(1000))));
    await cache.get('a');
    await cache.load('c', async () => ReadingSeries.fromText(text(rows(1000))));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.bytes).toBeLessThanOrEqual(one.bytes * 2.5);
  });
});
