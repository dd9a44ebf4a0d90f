import type { VitalsEvent } from '#contracts';
import { downsample } from '#vitals';
import type { ReadingSeries } from './reading-series.js';

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
