import { at, brief, feed, infusingEngine, reading } from './spec-support.js';
import type { AlertEvent } from './types.js';

// Continuous signals at 1 Hz. Baseline HR 90 (hr_rise: medium > 108 and ≥ 100, high > 126 or ≥ 130).
const clinical = (events: AlertEvent[]) => events.filter((e) => e.alert.kind !== 'signal_lost');

describe('spo2_low: < 92 medium, < 90 high, for 15 s', () => {
  it('needs samples beyond the limit spanning 15 s: 14 s is not enough, 15 s is', () => {
    const engine = infusingEngine();
    expect(feed(engine, 0, 14, { hr: 90, spo2: 91 })).toEqual([]);
    const events = feed(engine, 15, 15, { hr: 90, spo2: 91 });
    expect(brief(events)).toEqual(['opened spo2_low medium active @15']);
    expect(events[0]!.alert).toMatchObject({
      message: 'SpO2 91 < 92 for 15 s',
      trigger: { spo2: 91, limit: 92 },
      peak: { spo2: 91 },
    });
  });

  it('never alerts at exactly the limit', () => {
    expect(feed(infusingEngine(), 0, 120, { hr: 90, spo2: 92 })).toEqual([]);
  });

  it('opens high at once when the samples are beyond the high limit for 15 s', () => {
    const events = feed(infusingEngine(), 0, 15, { hr: 90, spo2: 89 });
    expect(brief(events)).toEqual(['opened spo2_low high active @15']);
    expect(events[0]!.alert.message).toBe('SpO2 89 < 90 for 15 s');
    expect(brief(feed(infusingEngine(), 0, 15, { hr: 90, spo2: 90 }))).toEqual(['opened spo2_low medium active @15']);
  });

  it('a single sample never raises, however sparse the samples', () => {
    const engine = infusingEngine();
    expect(engine.addReading(reading(0, { hr: 90, spo2: 80 }))).toEqual([]);
    expect(clinical(engine.addReading(reading(50, { hr: 90, spo2: 97 })))).toEqual([]);
    expect(clinical(engine.addReading(reading(100, { hr: 90, spo2: 80 })))).toEqual([]);
    // …but two samples 15 s apart with nothing inside the limit between them do.
    expect(brief(clinical(engine.addReading(reading(115, { hr: 90, spo2: 80 }))))).toEqual([
      'opened spo2_low high active @115',
    ]);
  });

  it('restarts the count after a sample inside the limit', () => {
    const engine = infusingEngine();
    feed(engine, 0, 10, { hr: 90, spo2: 91 });
    feed(engine, 11, 11, { hr: 90, spo2: 95 });
    expect(feed(engine, 12, 26, { hr: 90, spo2: 91 })).toEqual([]);
    expect(brief(feed(engine, 27, 27, { hr: 90, spo2: 91 }))).toEqual(['opened spo2_low medium active @27']);
  });

  it('upgrades in place after 15 s beyond the high limit; one high sample does not', () => {
    const engine = infusingEngine();
    const opened = feed(engine, 0, 15, { hr: 90, spo2: 91 });
    expect(feed(engine, 16, 16, { hr: 90, spo2: 85 }).map((e) => e.type)).toEqual(['peak']);
    feed(engine, 17, 17, { hr: 90, spo2: 91 });
    expect(feed(engine, 18, 32, { hr: 90, spo2: 89 })).toEqual([]);
    const upgraded = feed(engine, 33, 33, { hr: 90, spo2: 89 });
    expect(brief(upgraded)).toEqual(['upgraded spo2_low high active @33']);
    expect(upgraded[0]!.alert).toMatchObject({
      id: opened[0]!.alert.id,
      message: 'SpO2 89 < 90 for 15 s',
      peak: { spo2: 85 },
    });
  });

  it('ends after 30 s back inside the medium limit (29 s is not enough), recording the duration', () => {
    const engine = infusingEngine();
    feed(engine, 0, 20, { hr: 90, spo2: 91 });
    expect(feed(engine, 21, 50, { hr: 90, spo2: 92 })).toEqual([]);
    const ended = feed(engine, 51, 51, { hr: 90, spo2: 92 });
    expect(brief(ended)).toEqual(['resolved spo2_low medium resolved @51']);
    expect(ended[0]!.alert).toMatchObject({ endedAtMs: at(21), durationMs: 6_000, resolvedAtMs: at(51) });
  });

  it('an out-of-limit sample during clearing restarts the 30 s', () => {
    const engine = infusingEngine();
    feed(engine, 0, 20, { hr: 90, spo2: 91 });
    feed(engine, 21, 40, { hr: 90, spo2: 96 });
    feed(engine, 41, 41, { hr: 90, spo2: 91 });
    expect(feed(engine, 42, 71, { hr: 90, spo2: 96 })).toEqual([]);
    expect(brief(feed(engine, 72, 72, { hr: 90, spo2: 96 }))).toEqual(['resolved spo2_low medium resolved @72']);
  });
});

describe('hr_low: < 50 medium, < 40 high, for 15 s', () => {
  it('alerts at the boundaries', () => {
    expect(feed(infusingEngine(), 0, 60, { hr: 50, spo2: 98 })).toEqual([]);
    expect(brief(feed(infusingEngine(), 0, 15, { hr: 49, spo2: 98 }))).toEqual(['opened hr_low medium active @15']);
    expect(brief(feed(infusingEngine(), 0, 15, { hr: 40, spo2: 98 }))).toEqual(['opened hr_low medium active @15']);
    const high = feed(infusingEngine(), 0, 15, { hr: 39, spo2: 98 });
    expect(brief(high)).toEqual(['opened hr_low high active @15']);
    expect(high[0]!.alert.message).toBe('HR 39 < 40 for 15 s');
  });
});

describe('hr_rise: medium > +20% and ≥ 100, high > +40% or ≥ 130, for 15 s', () => {
  it('medium: beyond +20% of 90 (108) for 15 s; exactly 108 never', () => {
    expect(feed(infusingEngine(), 0, 60, { hr: 108, spo2: 98 })).toEqual([]);
    expect(feed(infusingEngine(), 0, 14, { hr: 109, spo2: 98 })).toEqual([]);
    const events = feed(infusingEngine(), 0, 15, { hr: 109, spo2: 98 });
    expect(brief(events)).toEqual(['opened hr_rise medium active @15']);
    expect(events[0]!.alert.message).toBe('HR 109 > 108 (baseline 90 +20%) and ≥ 100 for 15 s');
  });

  it('medium needs HR ≥ 100 as well: +27% from a baseline of 75 at 95/min does not alert', () => {
    const low = { sbp: 110, dbp: 70, hr: 75, spo2: 98 }; // +20% = 90, +40% = 105
    expect(feed(infusingEngine(low), 0, 120, { hr: 95, spo2: 98 })).toEqual([]);
    expect(brief(feed(infusingEngine(low), 0, 15, { hr: 100, spo2: 98 }))).toEqual([
      'opened hr_rise medium active @15',
    ]);
  });

  it('high: beyond +40% of 90 (126) or ≥ 130', () => {
    expect(brief(feed(infusingEngine(), 0, 15, { hr: 126, spo2: 98 }))).toEqual(['opened hr_rise medium active @15']);
    const pct = feed(infusingEngine(), 0, 15, { hr: 127, spo2: 98 });
    expect(pct[0]!.alert).toMatchObject({ severity: 'high', message: 'HR 127 > 126 (baseline 90 +40%) for 15 s' });
    const abs = feed(infusingEngine({ sbp: 110, dbp: 70, hr: 100, spo2: 98 }), 0, 15, { hr: 130, spo2: 98 });
    expect(abs[0]!.alert).toMatchObject({ severity: 'high', message: 'HR 130 ≥ 130 for 15 s' });
  });

  it('high as written: > +40% needs no 100/min floor (baseline 60: 85/min is high)', () => {
    const events = feed(infusingEngine({ sbp: 110, dbp: 70, hr: 60, spo2: 98 }), 0, 15, { hr: 85, spo2: 98 });
    expect(events[0]!.alert).toMatchObject({ severity: 'high', message: 'HR 85 > 84 (baseline 60 +40%) for 15 s' });
  });
});

describe('artefacts', () => {
  it('0 is "no signal": HR 0 and SpO2 0 for minutes raise no clinical alert', () => {
    const events = feed(infusingEngine(), 0, 600, { hr: 0, spo2: 0 });
    expect(clinical(events)).toEqual([]);
    expect(events.map((e) => e.alert.kind)).toEqual(['signal_lost']);
  });

  it('0 neither counts nor breaks a run: zeros between two low samples 15 s apart', () => {
    const engine = infusingEngine();
    feed(engine, 0, 0, { hr: 90, spo2: 91 });
    expect(feed(engine, 1, 14, { hr: 90, spo2: 0 })).toEqual([]);
    expect(brief(feed(engine, 15, 15, { hr: 90, spo2: 91 }))).toEqual(['opened spo2_low medium active @15']);
  });

  it('a one-sample jump that is gone at the next sample never raises', () => {
    const engine = infusingEngine();
    const events: AlertEvent[] = [];
    for (let t = 0; t < 600; t++) {
      const spike = t % 60 === 30 ? { hr: 200, spo2: 70 } : t % 60 === 45 ? { hr: 20, spo2: 50 } : { hr: 90, spo2: 98 };
      events.push(...engine.addReading(reading(t, spike)));
    }
    expect(events).toEqual([]);
  });
});
