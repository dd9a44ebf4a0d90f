import { chartGuides, columnsOf } from './chart-data';

const RULES = {
  bpRise: { mediumPct: 20, highSbp: 180 },
  hrRise: { mediumPct: 20, mediumMin: 100, highMin: 130 },
  spo2Low: { medium: 92, high: 90 },
  hrLow: { medium: 50, high: 40 },
};

describe('chart guides', () => {
  it('draws the protocol limits on the chart of their own unit: SpO2 92 and 90 %, SBP 180, HR 130, 50 and 40', () => {
    const { bp, hr, spo2 } = chartGuides({ sbp: 120, dbp: 80, hr: 70, spo2: 98 }, RULES);
    expect(spo2.limits).toEqual([
      { scale: '%', value: 92, label: '< 92 %', severity: 'medium' },
      { scale: '%', value: 90, label: '< 90 %', severity: 'high' },
    ]);
    expect(bp.limits).toEqual([{ scale: 'mmHg', value: 180, label: 'SBP 180', severity: 'high' }]);
    expect(hr.limits.map((l) => [l.value, l.severity])).toEqual([
      [130, 'high'],
      [50, 'medium'],
      [40, 'high'],
    ]);
  });

  it('bands the normal range from baseline to the medium limit, HR at least to 100/min', () => {
    const { bp, hr } = chartGuides({ sbp: 120, dbp: 80, hr: 70, spo2: 98 }, RULES);
    expect(bp.bands).toEqual([
      { scale: 'mmHg', from: 120, to: 144 },
      { scale: 'mmHg', from: 80, to: 96 },
    ]);
    expect(hr.bands).toEqual([{ scale: 'bpm', from: 70, to: 100 }]);
  });

  it('without a baseline draws the fixed limits only, without rules the baseline alone', () => {
    expect(chartGuides(null, RULES).bp).toEqual({ bands: [], limits: [expect.objectContaining({ value: 180 })] });
    expect(chartGuides({ sbp: 120, dbp: null, hr: null, spo2: null }, null).bp).toEqual({
      bands: [{ scale: 'mmHg', from: 120, to: 120 }],
      limits: [],
    });
  });

  it('leaves a 0 ("no signal") out of the chart as a gap', () => {
    const [time, hr] = columnsOf(
      [
        {
          sessionId: 's',
          seq: 1,
          recordedAt: '2026-01-01T00:00:00Z',
          hr: 0,
          sbp: null,
          dbp: null,
          map: null,
          spo2: 97,
          rr: null,
          temp: null,
        },
      ],
      ['hr'],
    );
    expect(time).toEqual([Date.parse('2026-01-01T00:00:00Z') / 1000]);
    expect(hr).toEqual([null]);
  });
});
