import { DEFAULT_IV_RULES } from '../protocol.js';
import { BASELINE_WINDOW_SAMPLES, computeBaseline, predoseGate } from './baseline.js';
import { reading } from './spec-support.js';
import type { Baseline } from './types.js';

const rules = DEFAULT_IV_RULES;
const continuous = (seconds: number, hr = 70, spo2 = 98) =>
  [...Array(seconds + 1).keys()].map((t) => reading(t, { hr, spo2 }));

describe('computeBaseline', () => {
  it('BP is the median of at least 2 cuff readings; 0 and half-readings are not cuff readings', () => {
    const cuff = [
      reading(0, { sbp: 130, dbp: 80 }),
      reading(1, { sbp: 0, dbp: 0 }),
      reading(2, { sbp: 120, dbp: 0 }),
      reading(3, { sbp: 124, dbp: 78 }),
      reading(4, { sbp: 150, dbp: 90 }),
    ];
    expect(computeBaseline(cuff.slice(0, 3), rules)).toMatchObject({ sbp: null, dbp: null, cuffReadings: 1 });
    expect(computeBaseline(cuff.slice(0, 4), rules)).toMatchObject({ sbp: 127, dbp: 79, cuffReadings: 2 });
    expect(computeBaseline(cuff, rules)).toMatchObject({ sbp: 130, dbp: 80, cuffReadings: 3 });
  });

  it('HR and SpO2 need 60 s of data (59 s is not enough); zeros are left out', () => {
    expect(computeBaseline(continuous(59), rules)).toMatchObject({ hr: null, spo2: null, hrSeconds: 59 });
    expect(computeBaseline(continuous(60), rules)).toMatchObject({ hr: 70, spo2: 98, hrSeconds: 60 });
    const withZeros = [
      ...continuous(60),
      ...continuous(60, 0, 0).map((r) => ({ ...r, recordedAtMs: r.recordedAtMs + 61_000 })),
    ];
    expect(computeBaseline(withZeros, rules)).toMatchObject({ hr: 70, spo2: 98, hrSeconds: 60 });
  });

  it('keeps a bounded window: the median of the most recent samples', () => {
    const long = [...Array(5000).keys()].map((t) => reading(t, { hr: t < 5000 - BASELINE_WINDOW_SAMPLES ? 120 : 65 }));
    expect(computeBaseline(long, rules)).toMatchObject({ hr: 65, hrSeconds: 4999 });
  });
});

describe('predoseGate', () => {
  const base: Baseline = { sbp: 140, dbp: 90, hr: 70, spo2: 98, cuffReadings: 2, hrSeconds: 60, spo2Seconds: 60 };
  const codes = (b: Baseline | null) => predoseGate(b, rules).map((x) => x.code);

  it('passes at exactly 140/90 and blocks above it', () => {
    expect(codes(base)).toEqual([]);
    expect(codes({ ...base, sbp: 141 })).toEqual(['predose_bp_high']);
    expect(codes({ ...base, dbp: 91 })).toEqual(['predose_bp_high']);
    expect(predoseGate({ ...base, sbp: 150 }, rules)[0]!.message).toBe('baseline BP 150/90 is above 140/90');
  });

  it('blocks with baseline_missing without BP or HR; a missing SpO2 baseline does not block', () => {
    expect(codes(null)).toEqual(['baseline_missing']);
    expect(codes({ ...base, sbp: null, dbp: null })).toEqual(['baseline_missing']);
    expect(codes({ ...base, hr: null })).toEqual(['baseline_missing']);
    expect(codes({ ...base, spo2: null })).toEqual([]);
  });
});
