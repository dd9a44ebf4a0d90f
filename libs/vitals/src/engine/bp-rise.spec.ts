import { DEFAULT_IV_RULES } from '../protocol.js';
import { DetectionEngine } from './engine.js';
import { at, brief, infusingEngine, reading } from './spec-support.js';
import type { AlertEvent } from './types.js';

// Baseline 100/60: medium beyond 120/72 (+20%), high beyond 140/84 (+40%), or ≥ 180 / ≥ 110.
const bp = (events: AlertEvent[]) => events.filter((e) => e.alert.kind === 'bp_rise');

/** Cuff readings every 3 minutes (with HR/SpO2, so the signal is never lost). */
function cuffs(engine: DetectionEngine, values: [number, number][], startMinute = 0): AlertEvent[] {
  return values.flatMap(([sbp, dbp], i) =>
    bp(engine.addReading(reading((startMinute + i * 3) * 60, { sbp, dbp, hr: 90, spo2: 98 }))),
  );
}

describe('bp_rise, medium: more than 20% above baseline on 2 consecutive cuff readings', () => {
  it('does not alert at exactly +20%, however long', () => {
    expect(
      cuffs(infusingEngine(), [
        [120, 72],
        [120, 72],
        [120, 72],
      ]),
    ).toEqual([]);
  });

  it('does not alert on one reading beyond +20%', () => {
    expect(
      cuffs(infusingEngine(), [
        [121, 60],
        [110, 60],
        [110, 73],
        [110, 60],
      ]),
    ).toEqual([]);
  });

  it('alerts on the second consecutive reading beyond +20% (SBP or DBP), naming value, limit and baseline', () => {
    const events = cuffs(infusingEngine(), [
      [121, 60],
      [121, 60],
    ]);
    expect(brief(events)).toEqual(['opened bp_rise medium active @180']);
    expect(events[0]!.alert).toMatchObject({
      id: `bp_rise:${at(180)}`,
      message: 'SBP 121 > 120 (baseline 100 +20%)',
      trigger: { sbp: 121, dbp: 60, measure: 'sbp', limit: 120 },
      baseline: { sbp: 100, dbp: 60, hr: 90, spo2: 98 },
      peak: { sbp: 121, dbp: 60 },
    });
    const dbp = cuffs(infusingEngine(), [
      [110, 73],
      [121, 60],
    ]);
    expect(dbp[0]!.alert.message).toBe('SBP 121 > 120 (baseline 100 +20%)');
    expect(
      cuffs(infusingEngine(), [
        [110, 73],
        [110, 74],
      ])[0]!.alert.message,
    ).toBe('DBP 74 > 72 (baseline 60 +20%)');
  });

  it('counts consecutive cuff readings: readings without BP in between do not break them, 0/0 neither', () => {
    const engine = infusingEngine();
    expect(bp(engine.addReading(reading(0, { sbp: 125, dbp: 70 })))).toEqual([]);
    expect(bp(engine.addReading(reading(30, { hr: 90 })))).toEqual([]);
    expect(bp(engine.addReading(reading(60, { sbp: 0, dbp: 0, hr: 90 })))).toEqual([]);
    expect(brief(bp(engine.addReading(reading(180, { sbp: 125, dbp: 70 }))))).toEqual([
      'opened bp_rise medium active @180',
    ]);
  });

  it('treats 0 in one component as no value: DBP alone can confirm', () => {
    expect(
      brief(
        cuffs(infusingEngine(), [
          [0, 73],
          [0, 73],
        ]),
      ),
    ).toEqual(['opened bp_rise medium active @180']);
  });

  it('records a new peak, and ends (resolves by itself) on one reading inside +20%', () => {
    const events = cuffs(infusingEngine(), [
      [125, 60],
      [125, 60],
      [130, 75],
      [128, 60],
      [120, 72],
    ]);
    expect(brief(events)).toEqual([
      'opened bp_rise medium active @180',
      'peak bp_rise medium active @360',
      'resolved bp_rise medium resolved @720',
    ]);
    expect(events[1]!.alert.peak).toEqual({ sbp: 130, dbp: 75 });
    expect(events[2]!.alert).toMatchObject({ endedAtMs: at(720), durationMs: 540_000, resolvedAtMs: at(720) });
  });
});

describe('bp_rise, high: more than 40% above baseline, or SBP ≥ 180, or DBP ≥ 110, at once', () => {
  it('alerts at once on one reading beyond +40% (not at exactly +40%)', () => {
    expect(cuffs(infusingEngine(), [[140, 84]])).toEqual([]);
    const events = cuffs(infusingEngine(), [[141, 60]]);
    expect(brief(events)).toEqual(['opened bp_rise high active @0']);
    expect(events[0]!.alert.message).toBe('SBP 141 > 140 (baseline 100 +40%)');
    expect(cuffs(infusingEngine(), [[110, 85]])[0]!.alert.message).toBe('DBP 85 > 84 (baseline 60 +40%)');
  });

  it('alerts at SBP 180 and DBP 110 whatever the baseline (and not at 179 / 109 on one reading)', () => {
    const high = { sbp: 135, dbp: 85, hr: 80, spo2: 98 }; // +40% = 189/119, +20% = 162/102
    expect(cuffs(infusingEngine(high), [[179, 85]])).toEqual([]);
    expect(cuffs(infusingEngine(high), [[135, 109]])).toEqual([]);
    expect(cuffs(infusingEngine(high), [[180, 85]])[0]!.alert).toMatchObject({
      severity: 'high',
      message: 'SBP 180 ≥ 180',
    });
    expect(cuffs(infusingEngine(high), [[135, 110]])[0]!.alert).toMatchObject({
      severity: 'high',
      message: 'DBP 110 ≥ 110',
    });
  });

  it('upgrades a medium alert in place, keeping its id and its opening trigger', () => {
    const events = cuffs(infusingEngine(), [
      [125, 60],
      [125, 60],
      [141, 60],
    ]);
    expect(brief(events)).toEqual(['opened bp_rise medium active @180', 'upgraded bp_rise high active @360']);
    expect(events[1]!.alert).toMatchObject({
      id: events[0]!.alert.id,
      trigger: { sbp: 125 },
      upgradeTrigger: { sbp: 141, limit: 140 },
      message: 'SBP 141 > 140 (baseline 100 +40%)',
      highSinceMs: at(360),
      peak: { sbp: 141, dbp: 60 },
    });
  });

  it('does not downgrade: a high alert stays high until back inside +20%', () => {
    const events = cuffs(infusingEngine(), [
      [150, 60],
      [125, 60],
      [118, 60],
    ]);
    expect(brief(events)).toEqual([
      'opened bp_rise high active @0',
      'escalated bp_rise high active @120',
      'cleared bp_rise high cleared @360',
    ]);
  });

  it('a single high cuff spike raises (as CLINICAL.md says) and latches as cleared at the next normal reading', () => {
    const engine = infusingEngine();
    const events = cuffs(engine, [
      [190, 100],
      [110, 65],
    ]);
    expect(brief(events)).toEqual([
      'opened bp_rise high active @0',
      'escalated bp_rise high active @120',
      'cleared bp_rise high cleared @180',
    ]);
    expect(
      engine
        .openAlerts()
        .filter((a) => a.kind === 'bp_rise')
        .map((a) => a.state),
    ).toEqual(['cleared']);
  });
});

describe('bp_rise, when it does not run', () => {
  it('never alerts in the baseline phase', () => {
    const engine = DetectionEngine.create(DEFAULT_IV_RULES);
    expect(engine.addReading(reading(0, { sbp: 200, dbp: 120 }))).toEqual([]);
    expect(engine.addReading(reading(180, { sbp: 210, dbp: 125 }))).toEqual([]);
  });

  it('without a baseline (infusion started by override) only the absolute lines apply', () => {
    const engine = DetectionEngine.create(DEFAULT_IV_RULES);
    engine.setPhase('infusing', at(0));
    expect(engine.baseline).toMatchObject({ sbp: null, dbp: null, hr: null });
    expect(
      cuffs(engine, [
        [170, 100],
        [175, 105],
      ]),
    ).toEqual([]);
    expect(brief(cuffs(engine, [[180, 100]], 6))).toEqual(['opened bp_rise high active @360']);
  });
});
