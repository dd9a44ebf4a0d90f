import { DEFAULT_IV_RULES, type ProtocolRules } from '../protocol.js';
import type { ValidReading } from '../reading.js';
import { DetectionEngine } from './engine.js';
import type { AlertEvent } from './types.js';

/**
 * Small helpers for the engine's unit tests (no test framework in here). Times are seconds after
 * infusion start, so a test reads like a chart: `feed(engine, 0, 14, { spo2: 91 })`.
 */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const at = (seconds: number) => T0 + seconds * 1000;

let seq = 0;
export function reading(seconds: number, values: Partial<Omit<ValidReading, 'seq' | 'recordedAtMs'>>): ValidReading {
  return {
    seq: seq++,
    recordedAtMs: at(seconds),
    hr: null,
    sbp: null,
    dbp: null,
    map: null,
    spo2: null,
    rr: null,
    temp: null,
    ...values,
  };
}

export interface TestBaseline {
  sbp: number;
  dbp: number;
  hr: number;
  spo2: number;
}

/**
 * An engine in `infusing` from t = 0 with exactly this baseline: two identical cuff readings and two
 * minutes of constant HR/SpO2 before dosing. `rules` are the IV defaults unless given.
 */
export function infusingEngine(
  baseline: TestBaseline = { sbp: 100, dbp: 60, hr: 90, spo2: 98 },
  rules: ProtocolRules = DEFAULT_IV_RULES,
): DetectionEngine {
  const engine = DetectionEngine.create(rules);
  for (let t = -120; t < 0; t++) {
    const cuff = t === -120 || t === -60 ? { sbp: baseline.sbp, dbp: baseline.dbp } : {};
    engine.addReading(reading(t, { hr: baseline.hr, spo2: baseline.spo2, ...cuff }));
  }
  engine.setPhase('infusing', at(0));
  return engine;
}

/** Feeds one reading every `step` seconds from `from` to `to` (inclusive); returns all events. */
export function feed(
  engine: DetectionEngine,
  from: number,
  to: number,
  values: Parameters<typeof reading>[1],
  step = 1,
): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (let t = from; t <= to; t += step) events.push(...engine.addReading(reading(t, values)));
  return events;
}

/** `type kind severity state @seconds` — compact and readable in `toEqual` failures. */
export const brief = (events: AlertEvent[]) =>
  events.map((e) => `${e.type} ${e.alert.kind} ${e.alert.severity} ${e.alert.state} @${(e.atMs - T0) / 1000}`);
