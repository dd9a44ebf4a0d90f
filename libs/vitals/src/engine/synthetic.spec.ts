import { DEFAULT_IV_RULES } from '../protocol.js';
import { mulberry32, syntheticSession } from '../synthetic.js';
import { DetectionEngine, replaySession } from './engine.js';
import { predoseGate } from './baseline.js';

const opened = (events: ReturnType<typeof replaySession>['events']) =>
  events.filter((e) => e.type === 'opened' || e.type === 'upgraded');

describe('synthetic ketamine sessions', () => {
  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const values = [...Array(1000)].map(() => a());
    expect(values).toEqual([...Array(1000)].map(() => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('the same seed gives the same session', () => {
    expect(syntheticSession({ seed: 7, intervalSeconds: 5 })).toEqual(
      syntheticSession({ seed: 7, intervalSeconds: 5 }),
    );
  });

  it('has the published shape: 10 min baseline, 40 min infusion, cuff every 3–5 min', () => {
    const session = syntheticSession({ seed: 3 });
    const start = session.readings[0]!.recordedAtMs;
    expect(session.phases.map((p) => [p.phase, (p.atMs - start) / 60_000])).toEqual([
      ['infusing', 10],
      ['recovery', 50],
      ['discharged', expect.any(Number)],
    ]);
    expect(session.readings[1]!.recordedAtMs - start).toBe(1000);
    const cuffs = session.readings.filter((r) => r.sbp !== null);
    const gaps = cuffs.slice(1).map((r, i) => (r.recordedAtMs - cuffs[i]!.recordedAtMs) / 1000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(180);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300);
  });

  it('on average rises by about +16/+11 mmHg and HR +4..8 at the end of the infusion, and is back near baseline at the end', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const deltas = { sbp: [] as number[], dbp: [] as number[], hr: [] as number[], end: [] as number[] };
    for (let seed = 1; seed <= 60; seed++) {
      const { readings, patient } = syntheticSession({ seed, intervalSeconds: 5 });
      const minute = (r: { recordedAtMs: number }) => (r.recordedAtMs - readings[0]!.recordedAtMs) / 60_000;
      const near = readings.filter((r) => minute(r) >= 45 && minute(r) <= 55 && r.hr! > 0);
      const cuffs = near.filter((r) => r.sbp !== null);
      deltas.sbp.push(mean(cuffs.map((r) => r.sbp!)) - patient.sbp);
      deltas.dbp.push(mean(cuffs.map((r) => r.dbp!)) - patient.dbp);
      deltas.hr.push(mean(near.map((r) => r.hr!)) - patient.hr);
      const end = readings.filter((r) => r.sbp !== null).slice(-2);
      deltas.end.push(mean(end.map((r) => r.sbp!)) - patient.sbp);
    }
    expect(mean(deltas.sbp)).toBeGreaterThan(12);
    expect(mean(deltas.sbp)).toBeLessThan(18);
    expect(mean(deltas.dbp)).toBeGreaterThan(8);
    expect(mean(deltas.dbp)).toBeLessThan(13);
    expect(mean(deltas.hr)).toBeGreaterThan(3);
    expect(mean(deltas.hr)).toBeLessThan(8);
    expect(Math.abs(mean(deltas.end))).toBeLessThan(2);
  });

  it('200 typical sessions pass the pre-dose gate and raise no high alert', () => {
    let withMedium = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const session = syntheticSession({ seed, intervalSeconds: 5 });
      const { engine, events } = replaySession(DEFAULT_IV_RULES, session.inputs);
      expect(predoseGate(engine.baseline, DEFAULT_IV_RULES)).toEqual([]);
      const alerts = opened(events);
      expect(alerts.filter((e) => e.alert.severity === 'high').map((e) => `${seed}: ${e.alert.message}`)).toEqual([]);
      expect(alerts.filter((e) => e.alert.kind === 'signal_lost')).toEqual([]);
      if (alerts.length > 0) withMedium++;
    }
    // Rises beyond +20% happen (they are the point of the medium tier) but most sessions are quiet.
    expect(withMedium).toBeLessThan(100);
  });

  it('severe sessions raise a high bp_rise', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { events } = replaySession(
        DEFAULT_IV_RULES,
        syntheticSession({ seed, intervalSeconds: 5, severe: true }).inputs,
      );
      expect(opened(events).some((e) => e.alert.kind === 'bp_rise' && e.alert.severity === 'high')).toBe(true);
    }
  });

  it('a 1 Hz session is processed in bounded memory: the state stays small', () => {
    const session = syntheticSession({ seed: 11, recoveryMinutes: 190 }); // 4 hours at 1 Hz
    expect(session.readings.length).toBeGreaterThan(4 * 3600);
    const engine = DetectionEngine.create(DEFAULT_IV_RULES);
    let largest = 0;
    session.inputs.forEach((input, i) => {
      engine.apply(input);
      if (i % 1000 === 0) largest = Math.max(largest, JSON.stringify(engine.serialize()).length);
    });
    expect(largest).toBeLessThan(40_000); // the 600-sample baseline window is the largest part
    expect(JSON.stringify(engine.serialize()).length).toBeLessThan(5_000);
  });
});
