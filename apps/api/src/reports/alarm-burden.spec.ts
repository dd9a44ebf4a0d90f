import { alarmBurden, percentile } from './alarm-burden.js';

const t = (s: number) => new Date(Date.UTC(2026, 10, 30, 9) + s * 1000);

describe('alarmBurden', () => {
  it('percentiles interpolate between ranks', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([10], 0.9)).toBe(10);
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(percentile([10, 20, 30, 40], 0.9)).toBeCloseTo(37);
  });

  it('counts per session, acknowledgement within 2 min, threshold alarms and the ratio, per day', () => {
    const report = alarmBurden(
      [
        {
          id: 'a',
          infusionStartedAt: t(0),
          samples: 100,
          threshold: { bp_rise: 2, hr_rise: 30, spo2_low: 0, hr_low: 0 },
        },
        {
          id: 'b',
          infusionStartedAt: t(86_400),
          samples: 50,
          threshold: { bp_rise: 0, hr_rise: 0, spo2_low: 8, hr_low: 0 },
        },
      ],
      [
        {
          sessionId: 'a',
          kind: 'hr_rise',
          severity: 'high',
          openedAt: t(10),
          acknowledgedAt: t(70),
          escalatedAt: null,
        },
        {
          sessionId: 'a',
          kind: 'signal_lost',
          severity: 'medium',
          openedAt: t(20),
          acknowledgedAt: null,
          escalatedAt: null,
        },
        {
          sessionId: 'b',
          kind: 'spo2_low',
          severity: 'high',
          openedAt: t(10),
          acknowledgedAt: t(310),
          escalatedAt: t(130),
        },
      ],
    );
    expect(report).toMatchObject({
      sessions: 2,
      alerts: { total: 3, clinical: 2, perSession: 1.5, byKind: { hr_rise: { high: 1, total: 1 } } },
      escalations: 1,
      acknowledgement: { acknowledged: 2, medianSeconds: 180, high: 2, highWithin2Min: 1, shareHighWithin2Min: 0.5 },
      thresholdMonitor: { samples: 150, alarms: 40, perSession: 20 },
      ratio: 20,
    });
    expect(report.perDay).toEqual([
      { date: '2026-11-30', sessions: 1, alerts: 2, thresholdAlarms: 32 },
      { date: '2026-12-01', sessions: 1, alerts: 1, thresholdAlarms: 8 },
    ]);
  });

  it('has no ratio when the engine raised no clinical alert', () => {
    expect(alarmBurden([], []).ratio).toBeNull();
  });
});
