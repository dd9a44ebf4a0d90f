import fc from 'fast-check';
import { DEFAULT_IV_RULES, type ProtocolRules } from '../protocol.js';
import { DetectionEngine } from './engine.js';
import { cuffImplausibility } from './rules.js';
import { at, brief, feed, infusingEngine, reading } from './spec-support.js';
import type { AlertEvent } from './types.js';

/** CLINICAL.md "Refinements (2026-11-30)": implausible cuff readings, per-parameter technical alerts. */

const of = (kind: string) => (events: AlertEvent[]) => events.filter((e) => e.alert.kind === kind);
const bp = of('bp_rise');

/** Cuff readings every 3 minutes, with HR and SpO2 so that no technical alert interferes. */
function cuffs(engine: DetectionEngine, values: [number, number, number?][]): AlertEvent[] {
  return values.flatMap(([sbp, dbp, map], i) =>
    bp(engine.addReading(reading(i * 180, { sbp, dbp, map: map ?? null, hr: 90, spo2: 98 }))),
  );
}

// The rules as a protocol version published before the refinements carries them: no new fields.
const V1: ProtocolRules = structuredClone(DEFAULT_IV_RULES);
delete V1.bpRise.bpPlausibility;
delete V1.signalLost.sensorSeconds;
delete V1.signalLost.cuffIntervalMinutes;

describe('implausible cuff readings (pulse pressure < 20 or > 100, DBP not 10 below SBP, MAP outside DBP…SBP)', () => {
  it('names why a reading is implausible, and judges only what the reading carries', () => {
    expect(cuffImplausibility(94, 80, null)).toBe('pulse pressure 14 < 20');
    expect(cuffImplausibility(120, 115, null)).toBe('DBP 115 not at least 10 below SBP 120');
    expect(cuffImplausibility(220, 81, null)).toBe('pulse pressure 139 > 100');
    expect(cuffImplausibility(151, 127, 60)).toBe('MAP 60 below DBP 127');
    expect(cuffImplausibility(120, 70, 130)).toBe('MAP 130 above SBP 120');
    expect(cuffImplausibility(120, 100, null)).toBeNull(); // exactly 20
    expect(cuffImplausibility(200, 100, 100)).toBeNull(); // exactly 100, MAP on the edge
    expect(cuffImplausibility(190, null, null)).toBeNull(); // no pulse pressure without a DBP
    expect(cuffImplausibility(0, 80, null)).toBeNull(); // 0 is no signal
  });

  it('a single implausible HIGH reading (94/80 on a 100/55 baseline) opens nothing; the next normal reading keeps it so', () => {
    const engine = infusingEngine({ sbp: 100, dbp: 55, hr: 90, spo2: 98 });
    expect(
      cuffs(engine, [
        [94, 80],
        [101, 56],
      ]),
    ).toEqual([]);
    expect(engine.tick(at(600))).toEqual([]);
  });

  it('not even at the 180 / 110 ceilings: 190/185 and 151/127 with MAP 60 need confirming', () => {
    expect(cuffs(infusingEngine(), [[190, 185]])).toEqual([]);
    expect(cuffs(infusingEngine(), [[151, 127, 60]])).toEqual([]);
    expect(cuffs(infusingEngine(), [[220, 81]])).toEqual([]);
  });

  it('a plausible reading confirms: at the high tier at once, at the medium tier as the second of the run', () => {
    const high = cuffs(infusingEngine(), [
      [220, 81],
      [200, 110],
    ]);
    expect(brief(high)).toEqual(['opened bp_rise high active @180']);
    expect(high[0]!.alert.trigger).toMatchObject({ sbp: 200, dbp: 110 });
    // Baseline 100/60: 220/81 (implausible, high) then 130/70 (plausible, medium): confirmed as medium.
    const medium = cuffs(infusingEngine(), [
      [220, 81],
      [130, 70],
    ]);
    expect(brief(medium)).toEqual(['opened bp_rise medium active @180']);
  });

  it('two consecutive implausible readings at the high tier: HIGH opens at the second (the surge, 220/81 then 232/93)', () => {
    const events = cuffs(infusingEngine(), [
      [220, 81],
      [232, 93],
      [212, 77],
    ]);
    // 212/77 is neither worse nor a confirmation of anything higher: no peak, only the escalation.
    expect(brief(events)).toEqual(['opened bp_rise high active @180', 'escalated bp_rise high active @300']);
    expect(events[0]!.alert).toMatchObject({ trigger: { sbp: 232, dbp: 93 }, peak: { sbp: 232, dbp: 93 } });
    // The held reading counts in the peak when it is the worse one.
    const worseFirst = cuffs(infusingEngine(), [
      [240, 100],
      [220, 81],
    ]);
    expect(brief(worseFirst)).toEqual(['opened bp_rise high active @180']);
    expect(worseFirst[0]!.alert).toMatchObject({ trigger: { sbp: 220, dbp: 81 }, peak: { sbp: 240, dbp: 100 } });
  });

  it('a single implausible high reading followed by a normal one opens nothing, and the held reading is dropped', () => {
    const engine = infusingEngine();
    expect(
      cuffs(engine, [
        [220, 81],
        [105, 62],
        [230, 90],
      ]),
    ).toEqual([]);
    expect(engine.tick(at(900))).toEqual([]);
  });

  it('an implausible reading at the medium tier needs the next to meet a tier too: then medium, as the second of the run', () => {
    // Baseline 100/60: 135/30 is SBP +35% (medium) with a pulse pressure of 105.
    expect(brief(cuffs(infusingEngine(), [[135, 30]]))).toEqual([]);
    const second = [
      [135, 30],
      [130, 25],
    ] as [number, number][];
    expect(brief(cuffs(infusingEngine(), second))).toEqual(['opened bp_rise medium active @180']);
    const normal = [
      [135, 30],
      [100, 60],
    ] as [number, number][];
    expect(cuffs(infusingEngine(), normal)).toEqual([]);
  });

  it('cannot upgrade an open medium alert, nor peak it; the next high reading confirms it and counts it in the peak', () => {
    const events = cuffs(infusingEngine(), [
      [125, 60],
      [125, 60],
      [240, 120],
      [150, 70],
    ]);
    expect(brief(events)).toEqual(['opened bp_rise medium active @180', 'upgraded bp_rise high active @540']);
    expect(events[1]!.alert.peak).toEqual({ sbp: 240, dbp: 120 });
  });

  it('a plausible reading at the high tier still alerts at once', () => {
    expect(brief(cuffs(infusingEngine(), [[185, 95]]))).toEqual(['opened bp_rise high active @0']);
  });

  it('a protocol may switch it off (bpPlausibility: false), and versions without the field keep the old behaviour', () => {
    const off = { ...DEFAULT_IV_RULES, bpRise: { ...DEFAULT_IV_RULES.bpRise, bpPlausibility: false } };
    expect(brief(cuffs(infusingEngine(undefined, off), [[220, 81]]))).toEqual(['opened bp_rise high active @0']);
    expect(brief(cuffs(infusingEngine(undefined, V1), [[220, 81]]))).toEqual(['opened bp_rise high active @0']);
  });

  it('property: whatever came before, one implausible reading between normal ones never opens, upgrades or peaks', () => {
    const cuff = fc.tuple(fc.integer({ min: 40, max: 260 }), fc.integer({ min: 20, max: 200 }));
    fc.assert(
      fc.property(fc.array(cuff, { maxLength: 12 }), cuff, (before, [sbp, dbp]) => {
        fc.pre(cuffImplausibility(sbp, dbp, null) !== null);
        const engine = infusingEngine();
        cuffs(engine, [...before, [100, 60]]);
        const t = (before.length + 1) * 180;
        const events = [
          ...bp(engine.addReading(reading(t, { sbp, dbp, hr: 90, spo2: 98 }))),
          ...bp(engine.addReading(reading(t + 180, { sbp: 100, dbp: 60, hr: 90, spo2: 98 }))),
        ];
        expect(events.filter((e) => e.type === 'opened' || e.type === 'upgraded' || e.type === 'peak')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: two consecutive high readings, plausible or not, always leave a high bp_rise', () => {
    const high = fc.tuple(fc.integer({ min: 180, max: 260 }), fc.integer({ min: 20, max: 200 }));
    fc.assert(
      fc.property(high, high, (first, second) => {
        const engine = infusingEngine();
        cuffs(engine, [first, second]);
        expect(
          engine
            .openAlerts()
            .filter((a) => a.kind === 'bp_rise')
            .map((a) => a.severity),
        ).toEqual(['high']);
      }),
      { numRuns: 200 },
    );
  });
});

describe('hr_signal_lost and spo2_signal_lost: one signal 0 or absent for 60 s while the other arrives', () => {
  it('HR at 0 for 26 minutes while SpO2 keeps coming raises hr_signal_lost (medium) after 60 s', () => {
    const engine = infusingEngine();
    feed(engine, 0, 119, { hr: 80, spo2: 97 });
    const events = feed(engine, 120, 120 + 26 * 60, { hr: 0, spo2: 97 }, 5);
    expect(brief(events.filter((e) => e.alert.kind !== 'bp_overdue'))).toEqual([
      'opened hr_signal_lost medium active @180',
    ]);
    expect(events.find((e) => e.alert.kind === 'hr_signal_lost')!.alert.message).toBe(
      'No heart rate for 60 s while SpO2 arrives (check the ECG leads)',
    );
  });

  it('absent counts like 0; exactly 60 s is not yet lost', () => {
    const engine = infusingEngine();
    feed(engine, 0, 0, { hr: 80, spo2: 97 });
    expect(feed(engine, 1, 60, { spo2: 97 })).toEqual([]);
    expect(brief(feed(engine, 61, 61, { spo2: 97 }))).toEqual(['opened hr_signal_lost medium active @61']);
  });

  it('resolves when the signal is back for 30 s (episode.clearSeconds), ended at its return', () => {
    const engine = infusingEngine();
    feed(engine, 0, 100, { hr: 80, spo2: 0 });
    expect(feed(engine, 101, 130, { hr: 80, spo2: 96 })).toEqual([]);
    const resolved = feed(engine, 131, 131, { hr: 80, spo2: 96 });
    expect(brief(resolved)).toEqual(['resolved spo2_signal_lost medium resolved @131']);
    expect(resolved[0]!.alert).toMatchObject({ openedAtMs: at(61), endedAtMs: at(101), durationMs: 40_000 });
  });

  it('both gone is signal_lost only, as before', () => {
    const engine = infusingEngine();
    const events = [...feed(engine, 0, 100, { hr: 0, spo2: 0 }), ...engine.tick(at(200))];
    expect(new Set(events.map((e) => e.alert.kind))).toEqual(new Set(['signal_lost']));
  });

  it('runs in recovery too, and ends when monitoring ends', () => {
    const engine = infusingEngine();
    engine.setPhase('recovery', at(10));
    const opened = feed(engine, 10, 100, { hr: 0, spo2: 97 });
    expect(brief(opened)).toEqual(['opened hr_signal_lost medium active @61']);
    expect(brief(engine.setPhase('discharged', at(200)))).toEqual(['resolved hr_signal_lost medium resolved @200']);
  });

  it('is off for protocol versions published before the rule', () => {
    expect(feed(infusingEngine(undefined, V1), 0, 300, { hr: 0, spo2: 97 })).toEqual([]);
  });

  it('property: HR 0 or absent for more than 60 s with SpO2 arriving always leaves hr_signal_lost open', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 1, max: 20 }), hr: fc.constantFrom(null, 0) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (steps) => {
          const engine = infusingEngine();
          let t = 0;
          for (const step of steps) {
            t += step.dt;
            engine.addReading(reading(t, { hr: step.hr, spo2: 97, sbp: 100, dbp: 60 }));
          }
          const open = engine.openAlerts().some((a) => a.kind === 'hr_signal_lost');
          expect(open).toBe(t > 60);
        },
      ),
    );
  });
});

describe('bp_overdue: no cuff reading for twice the cuff interval while infusing', () => {
  const overdue = of('bp_overdue');

  it('is due 10 min after the last cuff reading (or infusion start), stamped then, and ends at the next cuff reading', () => {
    const engine = infusingEngine();
    feed(engine, 0, 0, { hr: 80, spo2: 97, sbp: 100, dbp: 60 });
    expect(feed(engine, 10, 600, { hr: 80, spo2: 97 }, 10)).toEqual([]);
    const opened = feed(engine, 610, 610, { hr: 80, spo2: 97 });
    expect(brief(opened)).toEqual(['opened bp_overdue medium active @600']);
    expect(opened[0]!.alert.message).toBe('No cuff reading for 10 min (cuff every 5 min)');
    expect(feed(engine, 620, 790, { hr: 80, spo2: 97 }, 10)).toEqual([]);
    expect(brief(overdue(feed(engine, 800, 800, { sbp: 100, dbp: 60, hr: 80, spo2: 97 })))).toEqual([
      'resolved bp_overdue medium resolved @800',
    ]);
  });

  it('follows the protocol cuff interval, runs only while infusing, and leaving infusing ends it', () => {
    const rules = { ...DEFAULT_IV_RULES, signalLost: { ...DEFAULT_IV_RULES.signalLost, cuffIntervalMinutes: 15 } };
    const engine = infusingEngine(undefined, rules);
    expect(overdue(engine.tick(at(1800)))).toEqual([]);
    expect(brief(overdue(engine.tick(at(1801))))).toEqual(['opened bp_overdue medium active @1800']);
    expect(brief(overdue(engine.setPhase('recovery', at(1900))))).toEqual([
      'resolved bp_overdue medium resolved @1900',
    ]);
    expect(engine.tick(at(9000))).toEqual([]);
    expect(
      infusingEngine(undefined, V1)
        .tick(at(9000))
        .map((e) => e.alert.kind),
    ).toEqual(['signal_lost']);
  });

  it('restores snapshots taken before the per-parameter rules existed', () => {
    const engine = infusingEngine();
    const snapshot = engine.serialize() as Partial<ReturnType<DetectionEngine['serialize']>>;
    delete snapshot.sensors;
    const restored = DetectionEngine.restore(snapshot as ReturnType<DetectionEngine['serialize']>);
    expect(() => restored.addReading(reading(5, { hr: 80, spo2: 97 }))).not.toThrow();
  });
});
