import type { VitalsEvent } from '#contracts';
import { downsample } from '#vitals';
import type { ReadingSeries } from './reading-series.js';

/** $1 session, $2 from, $3 to (either may be null). */
const IN_RANGE = `session_id = $1
  AND recorded_at >= COALESCE($2::timestamptz, '-infinity') AND recorded_at <= COALESCE($3::timestamptz, 'infinity')`;

/**
 * The range's readings as one row (`SeriesText`): a count and, per field, the values in order
 * joined by commas (an empty value for NULL); times in whole microseconds since the epoch. The
 * database sends 10 strings instead of 14,400 rows, and they are read with `split` instead of a
 * type parser per value. The aggregates read the ordered subquery's rows in order (which SQL does
 * not promise, so `ReadingSeries.fromText` checks it).
 */
export const SERIES_SQL = `
  SELECT count(*)::int AS n,
         string_agg(seq::text, ',') AS seq,
         string_agg((extract(epoch FROM recorded_at) * 1000000)::bigint::text, ',') AS us,
         string_agg(coalesce(hr::text, ''), ',') AS hr,
         string_agg(coalesce(sbp::text, ''), ',') AS sbp,
         string_agg(coalesce(dbp::text, ''), ',') AS dbp,
         string_agg(coalesce(map::text, ''), ',') AS map,
         string_agg(coalesce(spo2::text, ''), ',') AS spo2,
         string_agg(coalesce(rr::text, ''), ',') AS rr,
         string_agg(coalesce(temp::text, ''), ',') AS temp
    FROM (SELECT seq, recorded_at, hr, sbp, dbp, map, spo2, rr, temp FROM readings
           WHERE ${IN_RANGE} ORDER BY recorded_at, seq) r`;

/**
 * How many readings the range holds now (an index-only count on `ix_readings_session_recorded`),
 * and its bounds in microseconds as PostgreSQL reads them, so that a cached series is cut exactly
 * where the query would cut it.
 */
export const COUNT_SQL = `
  SELECT count(*)::int AS n,
         (extract(epoch FROM COALESCE($2::timestamptz, '-infinity')) * 1000000)::text AS "fromUs",
         (extract(epoch FROM COALESCE($3::timestamptz, 'infinity')) * 1000000)::text AS "toUs"
    FROM readings WHERE ${IN_RANGE}`;

export interface RangeCount {
  n: number;
  fromUs: string;
  toUs: string;
}

/** What `GET /sessions/:id/readings` answers. */
export interface TrendPage {
  sessionId: string;
  total: number;
  downsampled: boolean;
  readings: VitalsEvent[];
}

/**
 * The readings at positions `[start, end)` of the series, at most `maxPoints`, peaks kept;
 * `requestedId` is the id as the request gave it, `sessionId` the stored form for each reading.
 */
export function trendPage(
  series: ReadingSeries,
  start: number,
  end: number,
  maxPoints: number,
  requestedId: string,
  sessionId: string,
): TrendPage {
  const kept = downsample(series.points(start, end), maxPoints);
  return {
    sessionId: requestedId,
    total: end - start,
    downsampled: kept.length < end - start,
    readings: kept.map((point) => series.vitals(sessionId, point.index)),
  };
}
