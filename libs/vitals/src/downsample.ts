/** A reading as the trend shows it. */
export interface TrendPoint {
  t: number;
  hr: number | null;
  sbp: number | null;
  dbp: number | null;
  spo2: number | null;
}

function pick<T extends TrendPoint>(
  bucket: T[],
  score: (p: T) => number | null,
  better: (a: number, b: number) => boolean,
): T | null {
  let best: T | null = null;
  let bestScore = 0;
  for (const point of bucket) {
    const value = score(point);
    if (value === null || value === 0) continue;
    if (best === null || better(value, bestScore)) {
      best = point;
      bestScore = value;
    }
  }
  return best;
}

/**
 * Reduces a time-ordered series to at most `maxPoints` so that peaks survive: every cuff (BP)
 * reading is kept while they fit in a quarter of the budget (they are sparse and each one matters),
 * and the continuous signals keep, per time bucket, the readings with the highest and lowest HR and
 * the lowest SpO2. Zeros (no signal) are not chosen as extremes.
 */
export function downsample<T extends TrendPoint>(points: T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return points;
  const cuff = points.filter((p) => p.sbp !== null || p.dbp !== null);
  const keptCuff =
    cuff.length <= maxPoints / 4
      ? cuff
      : bucketed(cuff, Math.floor(maxPoints / 4), 1, (b) => [
          pick(
            b,
            (p) => p.sbp,
            (a, c) => a > c,
          ) ?? b[0]!,
        ]);
  const budget = maxPoints - keptCuff.length;
  const buckets = Math.max(1, Math.floor(budget / 3));
  const continuous = bucketed(points, buckets, 3, (b) => [
    pick(
      b,
      (p) => p.hr,
      (a, c) => a > c,
    ),
    pick(
      b,
      (p) => p.hr,
      (a, c) => a < c,
    ),
    pick(
      b,
      (p) => p.spo2,
      (a, c) => a < c,
    ),
    b[0]!,
  ]);
  const merged = new Set<T>([...keptCuff, ...continuous]);
  const result = points.filter((p) => merged.has(p));
  return result.length <= maxPoints ? result : result.slice(0, maxPoints);
}

/** Splits into `count` buckets of equal size and keeps up to `perBucket` distinct choices of each. */
function bucketed<T>(points: T[], count: number, perBucket: number, choose: (bucket: T[]) => (T | null)[]): T[] {
  const out: T[] = [];
  const size = points.length / count;
  for (let i = 0; i < count; i++) {
    const bucket = points.slice(Math.floor(i * size), Math.floor((i + 1) * size));
    if (bucket.length === 0) continue;
    const chosen = [...new Set(choose(bucket).filter((p): p is T => p !== null))].slice(0, perBucket);
    out.push(...chosen);
  }
  return out;
}
