import { DEFAULT_IV_RULES } from '../protocol.js';
import { DetectionEngine } from './engine.js';
import { at, brief, feed, infusingEngine, reading } from './spec-support.js';
import type { AlertEvent } from './types.js';

const ok = { hr: 80, spo2: 98 };

describe('signal_lost: no usable reading for 60 s while infusing', () => {
  it('is detected by tick, stamped when it fell due, once', () => {
    const engine = infusingEngine();
    feed(engine, 0, 10, ok);
    expect(engine.tick(at(70))).toEqual([]);
    const events = engine.tick(at(70) + 1);
    expect(brief(events)).toEqual(['opened signal_lost medium active @70']);
    expect(events[0]!.alert).toMatchObject({ id: `signal_lost:${at(70)}`, message: 'No reading for 60 s', peak: null });
    expect(engine.tick(at(500))).toEqual([]);
  });

  it('counts from infusion start when no reading came since', () => {
    const engine = infusingEngine();
    expect(brief(engine.tick(at(61)))).toEqual(['opened signal_lost medium active @60']);
  });

  it('a monitor sampling exactly once a minute is not lost between its samples', () => {
    // Without cuff readings the cuff is overdue (bp_overdue); signal_lost never opens.
    const events = feed(infusingEngine(), 0, 3600, ok, 60);
    expect(events.filter((e) => e.alert.kind === 'signal_lost')).toEqual([]);
  });

  it('is also found without ticks, by the next reading, and resolves after 30 s of signal', () => {
    const engine = infusingEngine();
    feed(engine, 0, 0, ok);
    expect(brief(feed(engine, 100, 129, ok))).toEqual(['opened signal_lost medium active @60']);
    const resolved = feed(engine, 130, 130, ok);
    expect(brief(resolved)).toEqual(['resolved signal_lost medium resolved @130']);
    expect(resolved[0]!.alert).toMatchObject({ endedAtMs: at(100), durationMs: 40_000 });
  });

  it('readings without a usable value (rr only, zeros) do not count as signal', () => {
    const engine = infusingEngine();
    feed(engine, 0, 0, ok);
    expect(brief(feed(engine, 1, 61, { rr: 14, hr: 0 }))).toEqual(['opened signal_lost medium active @60']);
  });
});

describe('signal_lost: HR and SpO2 both 0 for 15 s', () => {
  it('needs both at 0 for 15 s', () => {
    expect(feed(infusingEngine(), 0, 14, { hr: 0, spo2: 0 })).toEqual([]);
    const events = feed(infusingEngine(), 0, 15, { hr: 0, spo2: 0 });
    expect(brief(events)).toEqual(['opened signal_lost medium active @15']);
    expect(events[0]!.alert.message).toBe('HR 0 and SpO2 0 for 15 s (no signal)');
    // One signal at 0 while the other arrives is not signal_lost but its own technical alert.
    expect(brief(feed(infusingEngine(), 0, 120, { hr: 0, spo2: 97 }))).toEqual([
      'opened hr_signal_lost medium active @61',
    ]);
    expect(brief(feed(infusingEngine(), 0, 120, { hr: 80, spo2: 0 }))).toEqual([
      'opened spo2_signal_lost medium active @61',
    ]);
  });

  it('stays one episode while zeros and gaps alternate, and ends after 30 s of signal', () => {
    const engine = infusingEngine();
    const events: AlertEvent[] = [...feed(engine, 0, 20, { hr: 0, spo2: 0 }), ...engine.tick(at(200))];
    events.push(...feed(engine, 200, 210, ok), ...feed(engine, 211, 215, { hr: 0, spo2: 0 }));
    expect(brief(events)).toEqual(['opened signal_lost medium active @15']);
    expect(feed(engine, 216, 245, ok)).toEqual([]);
    expect(brief(feed(engine, 246, 246, ok))).toEqual(['resolved signal_lost medium resolved @246']);
  });
});

describe('signal_lost: only while infusing', () => {
  it('not in baseline or recovery; leaving infusing ends an open episode', () => {
    const engine = DetectionEngine.create(DEFAULT_IV_RULES);
    expect(engine.tick(at(3600))).toEqual([]);
    engine.setPhase('infusing', at(3600));
    feed(engine, 3600, 3620, { hr: 0, spo2: 0 });
    expect(brief(engine.setPhase('recovery', at(3700)))).toEqual(['resolved signal_lost medium resolved @3700']);
    expect(engine.tick(at(9000))).toEqual([]);
    expect(feed(engine, 9000, 9100, { hr: 0, spo2: 0 })).toEqual([]);
  });
});

describe('ticks', () => {
  it('how often the service ticks does not change the events', () => {
    const run = (tickEvery: number | null) => {
      const engine = infusingEngine();
      const events: AlertEvent[] = [];
      // 200 s of signal, 30 s of zeros, 70 s of nothing; three times.
      for (let t = 0; t < 900; t++) {
        if (tickEvery && t % tickEvery === 0) events.push(...engine.tick(at(t)));
        const phase = t % 300;
        if (phase < 230) events.push(...engine.addReading(reading(t, phase < 200 ? ok : { hr: 0, spo2: 0 })));
      }
      events.push(...engine.tick(at(1000)));
      return events;
    };
    const reference = run(null);
    expect(reference.length).toBeGreaterThan(2);
    expect(run(1)).toEqual(reference);
    expect(run(7)).toEqual(reference);
  });
});
