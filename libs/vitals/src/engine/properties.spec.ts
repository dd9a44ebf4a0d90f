import fc from 'fast-check';
import { DEFAULT_IV_RULES } from '../protocol.js';
import { DetectionEngine, replaySession } from './engine.js';
import { at, infusingEngine, reading } from './spec-support.js';
import { TECHNICAL_KINDS } from './state.js';
import type { AlertEvent, EngineInput } from './types.js';

const within = (f: number, lo: number, hi: number) => Math.round(lo + f * (hi - lo));

describe('properties', () => {
  it('a stream within ±20% of baseline and inside the absolute limits raises no clinical alert', () => {
    const baseline = fc.record({
      sbp: fc.integer({ min: 100, max: 138 }),
      dbp: fc.integer({ min: 60, max: 88 }),
      hr: fc.integer({ min: 60, max: 100 }),
      spo2: fc.integer({ min: 95, max: 100 }),
    });
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const step = fc.record({
      dt: fc.integer({ min: 1, max: 30 }),
      cuff: fc.boolean(),
      s: unit,
      d: unit,
      h: fc.option(unit),
      o: fc.option(unit),
    });
    fc.assert(
      fc.property(
        baseline,
        fc.array(step, { minLength: 1, maxLength: 300 }),
        fc.nat(300),
        (b, steps, recoveryAfter) => {
          const engine = infusingEngine(b);
          const events: AlertEvent[] = [];
          let t = 0;
          steps.forEach((x, i) => {
            t += x.dt;
            if (i === recoveryAfter) events.push(...engine.setPhase('recovery', at(t)));
            const cuff = x.cuff
              ? {
                  sbp: within(x.s, Math.ceil(0.8 * b.sbp), Math.floor(1.2 * b.sbp)),
                  dbp: within(x.d, Math.ceil(0.8 * b.dbp), Math.floor(1.2 * b.dbp)),
                }
              : {};
            const hr = x.h === null ? null : within(x.h, Math.max(50, Math.ceil(0.8 * b.hr)), Math.floor(1.2 * b.hr));
            const spo2 = x.o === null ? null : within(x.o, 92, 100);
            events.push(...engine.addReading(reading(t, { ...cuff, hr: hr ?? 80, spo2 })));
          });
          // SpO2 may be missing and cuff readings sparse here: the technical alerts about the monitor
          // (refinements.spec.ts) may fire; no clinical alert may.
          expect(events.filter((e) => !TECHNICAL_KINDS.includes(e.alert.kind))).toEqual([]);
        },
      ),
    );
  });

  const value = (max: number) => fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: 1, max }));
  const action = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        type: fc.constant('reading' as const),
        dt: fc.integer({ min: -20, max: 90 }),
        hr: value(220),
        spo2: value(100),
        cuff: fc.boolean(),
        sbp: fc.integer({ min: 0, max: 250 }),
        dbp: fc.integer({ min: 0, max: 140 }),
        hold: fc.nat(40),
      }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('ack' as const), pick: fc.nat(5), dt: fc.nat(60) }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('tick' as const), dt: fc.nat(400) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('phase' as const),
        phase: fc.constantFrom('recovery' as const, 'discharged' as const),
        dt: fc.nat(60),
      }),
    },
  );

  type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

  /** Runs a random script live, turning "acknowledge the n-th open alert" into the stored input. */
  function live(script: Action[]) {
    const engine = infusingEngine({ sbp: 120, dbp: 75, hr: 80, spo2: 97 });
    const inputs: EngineInput[] = [];
    const events: AlertEvent[] = [];
    let t = 0;
    const run = (input: EngineInput) => {
      inputs.push(input);
      events.push(...engine.apply(input));
    };
    for (const a of script) {
      t += a.dt;
      if (a.type === 'reading') {
        // The same values for `hold` more seconds, so persistence and clearing get exercised.
        const cuff = a.cuff ? { sbp: a.sbp, dbp: Math.min(a.dbp, Math.max(0, a.sbp - 1)) } : {};
        for (let i = 0; i <= a.hold; i++)
          run({ type: 'reading', reading: reading(t + i, { hr: a.hr, spo2: a.spo2, ...(i === 0 ? cuff : {}) }) });
        t += a.hold;
      } else if (a.type === 'ack') {
        const open = engine.openAlerts();
        run({
          type: 'acknowledge',
          alertId: open[a.pick % Math.max(1, open.length)]?.id ?? 'none',
          actorId: 'n',
          atMs: at(t),
        });
      } else if (a.type === 'tick') run({ type: 'tick', atMs: at(t) });
      else run({ type: 'phase', phase: a.phase, atMs: at(t) });
    }
    return { engine, inputs, events };
  }

  it('the same inputs always give the same events; a restored snapshot continues identically', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 200 }), fc.nat(200), (script, cut) => {
        const { inputs, events } = live(script);
        // A fresh engine fed the same baseline phase and the stored inputs.
        const replay = replaySession(DEFAULT_IV_RULES, [
          ...[...Array(120).keys()].map((i): EngineInput => ({
            type: 'reading',
            reading: reading(i - 120, { hr: 80, spo2: 97, ...(i % 60 === 0 ? { sbp: 120, dbp: 75 } : {}) }),
          })),
          { type: 'phase', phase: 'infusing', atMs: at(0) },
          ...inputs,
        ]);
        expect(replay.events).toEqual(events);

        const first = live(script.slice(0, Math.min(cut, script.length)));
        const restored = DetectionEngine.restore(JSON.parse(JSON.stringify(first.engine.serialize())));
        const rest = inputs.slice(first.inputs.length).flatMap((input) => restored.apply(input));
        expect([...first.events, ...rest]).toEqual(events);
      }),
      { numRuns: 150 },
    );
  });

  it('events are consistent: one episode per kind, times never run backwards, nothing after resolved', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 300 }), (script) => {
        const { engine, events } = live(script);
        const last = new Map<string, AlertEvent>();
        for (const e of events) {
          const before = last.get(e.alert.id);
          expect(e.alert.id).toBe(`${e.alert.kind}:${e.alert.openedAtMs}`);
          expect(e.type === 'opened').toBe(before === undefined);
          if (before) {
            expect(before.alert.state).not.toBe('resolved');
            expect(e.atMs).toBeGreaterThanOrEqual(before.atMs);
          }
          expect(e.alert.lastChangedAtMs).toBe(e.atMs);
          if (e.alert.state === 'cleared') expect(e.alert.severity).toBe('high');
          last.set(e.alert.id, e);
        }
        const open = engine.openAlerts().filter((a) => a.state !== 'cleared');
        expect(new Set(open.map((a) => a.kind)).size).toBe(open.length);
        expect(JSON.stringify(engine.serialize()).length).toBeLessThan(20_000);
      }),
    );
  });
});
