import { buildSeries, seriesNote, type SeriesSessionRow } from './patient-series.js';

const day = (d: number, minutes = 0) => new Date(Date.UTC(2026, 10, d, 9, minutes));

function row(id: string, d: number, extra: Partial<SeriesSessionRow> = {}): SeriesSessionRow {
  return {
    id,
    seriesNumber: d,
    phase: 'discharged',
    protocolKey: 'iv-ketamine',
    protocolVersion: 2,
    createdAt: day(d),
    infusionStartedAt: day(d, 10),
    infusionEndedAt: day(d, 50),
    endedAt: day(d, 125),
    weightKg: 80,
    plannedDoseMgPerKg: 0.5,
    baseline: { sbp: 120, dbp: 80, hr: 70, spo2: 98 },
    infusionOverrideReason: null,
    abortReason: null,
    signOffOverrideReason: null,
    peakSbp: { value: 150, at: day(d, 50) },
    peakDbp: { value: 90, at: day(d, 45) },
    peakHr: { value: 84, at: day(d, 30) },
    alerts: [],
    ...extra,
  };
}

describe('buildSeries', () => {
  it('numbers infusions 1…n by infusion start, with dose, peak rises and when, recovery minutes', () => {
    const series = buildSeries([row('b', 8), row('a', 1), row('never-dosed', 3, { infusionStartedAt: null })]);
    expect(series.map((s) => [s.sessionId, s.infusion])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(series[0]).toMatchObject({
      dose: { mgPerKg: 0.5, mg: 40, weightKg: 80 },
      protocol: 'iv-ketamine v2',
      peak: {
        sbp: { value: 150, rise: 30, risePct: 25, minutesAfterStart: 40 },
        dbp: { value: 90, rise: 10, risePct: 12.5, minutesAfterStart: 35 },
        hr: { value: 84, rise: 14, risePct: 20, minutesAfterStart: 20 },
      },
      recoveryMinutes: 75,
    });
  });

  it('counts alerts by type and priority, flags a high bp_rise, lists overrides; no rise without a baseline', () => {
    const [s] = buildSeries([
      row('a', 1, {
        phase: 'recovery',
        baseline: null,
        infusionOverrideReason: 'baseline 145/92 after a walk; rechecked',
        signOffOverrideReason: 'escort arriving',
        alerts: [
          { kind: 'bp_rise', severity: 'high' },
          { kind: 'bp_rise', severity: 'medium' },
          { kind: 'bp_rise', severity: 'medium' },
          { kind: 'hr_signal_lost', severity: 'medium' },
        ],
      }),
    ]);
    expect(s!.alerts).toEqual({ bp_rise: { high: 1, medium: 2 }, hr_signal_lost: { medium: 1 } });
    expect(s!.highBpRise).toBe(true);
    expect(s!.recoveryMinutes).toBeNull();
    expect(s!.peak.sbp).toMatchObject({ value: 150, rise: null, risePct: null });
    expect(s!.overrides.map((o) => o.kind)).toEqual(['infusion_start', 'sign_off']);
  });
});

describe('seriesNote', () => {
  it('notes the first three infusions, then only an earlier high bp_rise', () => {
    expect(seriesNote([])).toMatchObject({ infusion: 1, firstThree: true, previousHighBpRise: [] });
    expect(seriesNote([])!.message).toBe(
      'Infusion 1 of this patient: severe BP rises are most frequent in the first three infusions.',
    );
    const three = buildSeries([row('a', 1), row('b', 2), row('c', 3)]);
    expect(seriesNote(three)).toBeNull();
    const withHigh = buildSeries([
      row('a', 1),
      row('b', 2, { alerts: [{ kind: 'bp_rise', severity: 'high' }] }),
      row('c', 3),
    ]);
    expect(seriesNote(withHigh)).toMatchObject({
      infusion: 4,
      firstThree: false,
      previousHighBpRise: [2],
      message: 'A high BP rise in infusion 2 of this patient: watch the BP closely.',
    });
    expect(seriesNote(withHigh.slice(0, 2))!.message).toBe(
      'Infusion 3 of this patient: severe BP rises are most frequent in the first three infusions; a high BP rise in infusion 2 of this patient: watch the BP closely.',
    );
  });
});
