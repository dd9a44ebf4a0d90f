import { DEFAULT_INTRANASAL_RULES, DEFAULT_IV_RULES } from './protocol.js';
import { validateProtocolRules } from './protocol-validation.js';

const clone = () => JSON.parse(JSON.stringify(DEFAULT_IV_RULES)) as typeof DEFAULT_IV_RULES;

describe('validateProtocolRules', () => {
  it('accepts the default protocols', () => {
    expect(validateProtocolRules(DEFAULT_IV_RULES).ok).toBe(true);
    expect(validateProtocolRules(DEFAULT_INTRANASAL_RULES).ok).toBe(true);
  });

  it('refuses a medium limit beyond its high limit', () => {
    const rules = clone();
    rules.bpRise.mediumPct = 45;
    rules.spo2Low.medium = 88;
    const result = validateProtocolRules(rules);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      'bpRise.mediumPct must be below bpRise.highPct',
      'spo2Low.medium must be above spo2Low.high',
    ]);
  });

  it('refuses missing, non-numeric, out-of-range and unknown rules', () => {
    const rules = clone() as unknown as Record<string, Record<string, unknown>>;
    delete rules.hrLow;
    rules.bpRise!.highSbp = 'high';
    rules.episode!.clearSeconds = -1;
    rules.spo2Low!.extra = 1;
    const result = validateProtocolRules(rules);
    expect(!result.ok && result.errors).toEqual(
      expect.arrayContaining([
        'hrLow is missing',
        'bpRise.highSbp must be a number',
        'episode.clearSeconds must be from 0 to 3600',
        'unknown rule spo2Low.extra',
      ]),
    );
  });

  it('refuses inverted BP limits, fractional counts and a zero persistence', () => {
    const rules = clone();
    rules.baseline.predoseMaxDbp = 140;
    rules.bpRise.highDbp = 190;
    rules.bpRise.confirmReadings = 1.5;
    rules.spo2Low.persistSeconds = 0;
    const result = validateProtocolRules(rules);
    expect(!result.ok && result.errors).toEqual([
      'baseline.predoseMaxDbp must be below baseline.predoseMaxSbp',
      'bpRise.highDbp must be below bpRise.highSbp',
      'bpRise.confirmReadings must be a whole number',
      'spo2Low.persistSeconds must be at least 1',
    ]);
  });

  it('refuses a non-object', () => {
    expect(validateProtocolRules(null).ok).toBe(false);
    expect(validateProtocolRules([]).ok).toBe(false);
  });
});

describe('validateProtocolRules: the refinements of 2026-11-30', () => {
  it('requires bpRise.bpPlausibility (true or false) and the per-parameter technical fields, in range', () => {
    const rules = clone() as unknown as Record<string, Record<string, unknown>>;
    delete rules.signalLost!.sensorSeconds;
    rules.signalLost!.cuffIntervalMinutes = 0;
    rules.bpRise!.bpPlausibility = 'yes';
    const result = validateProtocolRules(rules);
    expect(!result.ok && result.errors).toEqual([
      'signalLost.sensorSeconds must be a number',
      'signalLost.cuffIntervalMinutes must be from 1 to 60',
    ]);
    const fixed = clone() as unknown as Record<string, Record<string, unknown>>;
    fixed.bpRise!.bpPlausibility = 'yes';
    const second = validateProtocolRules(fixed);
    expect(!second.ok && second.errors).toEqual(['bpRise.bpPlausibility must be true or false']);
    fixed.bpRise!.bpPlausibility = false;
    expect(validateProtocolRules(fixed).ok).toBe(true);
  });
});
