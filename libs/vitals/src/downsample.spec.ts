import { downsample, type TrendPoint } from './downsample.js';

function series(n: number): TrendPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    t: i * 1000,
    hr: 70 + (i % 7),
    sbp: i % 240 === 0 ? 120 + (i % 13) : null,
    dbp: i % 240 === 0 ? 80 : null,
    spo2: 97,
  }));
}

describe('downsample', () => {
  it('returns short series unchanged', () => {
    const points = series(50);
    expect(downsample(points, 100)).toBe(points);
  });

  it('never returns more than maxPoints, in time order', () => {
    const result = downsample(series(14_400), 1000);
    expect(result.length).toBeLessThanOrEqual(1000);
    expect(result.length).toBeGreaterThan(500);
    for (let i = 1; i < result.length; i++) expect(result[i]!.t).toBeGreaterThan(result[i - 1]!.t);
  });

  it('keeps a single-sample HR peak, an SpO2 dip and every cuff reading', () => {
    const points = series(14_400);
    points[7001] = { ...points[7001]!, hr: 171 };
    points[9002] = { ...points[9002]!, spo2: 84 };
    points[3003] = { ...points[3003]!, hr: 38 };
    const result = downsample(points, 1000);
    expect(result.some((p) => p.hr === 171)).toBe(true);
    expect(result.some((p) => p.hr === 38)).toBe(true);
    expect(result.some((p) => p.spo2 === 84)).toBe(true);
    expect(result.filter((p) => p.sbp !== null)).toHaveLength(points.filter((p) => p.sbp !== null).length);
  });

  it('does not treat zeros (no signal) as the lowest value', () => {
    const points = series(5000);
    for (let i = 100; i < 110; i++) points[i] = { ...points[i]!, hr: 0, spo2: 0 };
    points[105] = { ...points[105]!, hr: 0 };
    const result = downsample(points, 100);
    expect(result.filter((p) => p.hr === 0).length).toBeLessThanOrEqual(1);
  });
});
