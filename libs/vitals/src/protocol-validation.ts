import { DEFAULT_IV_RULES, type ProtocolRules } from './protocol.js';

export type RulesCheck = { ok: true; rules: ProtocolRules } | { ok: false; errors: string[] };

type Bounds = Record<string, [number, number]>;

/** Sensible range of every numeric rule; anything outside is a typing error, not a clinical choice. */
const BOUNDS: Record<Exclude<keyof ProtocolRules, never>, Bounds> = {
  baseline: {
    minCuffReadings: [1, 10],
    minContinuousSeconds: [0, 1800],
    predoseMaxSbp: [90, 220],
    predoseMaxDbp: [50, 140],
  },
  bpRise: { mediumPct: [1, 200], highPct: [1, 300], highSbp: [120, 300], highDbp: [70, 250], confirmReadings: [1, 5] },
  hrRise: {
    mediumPct: [1, 200],
    mediumMin: [40, 250],
    highPct: [1, 300],
    highMin: [60, 300],
    persistSeconds: [0, 600],
  },
  spo2Low: { medium: [50, 100], high: [50, 100], persistSeconds: [0, 600] },
  hrLow: { medium: [20, 120], high: [10, 120], persistSeconds: [0, 600] },
  signalLost: {
    noReadingSeconds: [5, 3600],
    zeroSeconds: [1, 600],
    sensorSeconds: [5, 3600],
    cuffIntervalMinutes: [1, 60],
  },
  episode: { clearSeconds: [0, 3600] },
  escalation: { highUnacknowledgedSeconds: [10, 3600], reminderSeconds: [30, 3600] },
  recovery: { minObservationMinutes: [0, 1440], vitalsBandPct: [1, 100], minSpo2: [50, 100] },
};

/** Fields checked one by one below rather than as numbers in a range. */
const NON_NUMERIC: Record<string, string[]> = {
  recovery: ['observeFrom'],
  bpRise: ['bpPlausibility'],
};

/**
 * Checks a protocol's rules before they are published: every field present and in range, and each
 * medium limit on the safe side of its high limit.
 */
export function validateProtocolRules(input: unknown): RulesCheck {
  const errors: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, errors: ['rules must be an object'] };
  const rules = input as Record<string, Record<string, unknown>>;
  for (const section of Object.keys(rules)) {
    if (!(section in BOUNDS)) errors.push(`unknown section "${section.slice(0, 40)}"`);
  }
  for (const [section, bounds] of Object.entries(BOUNDS)) {
    const values = rules[section];
    if (typeof values !== 'object' || values === null) {
      errors.push(`${section} is missing`);
      continue;
    }
    const allowed = new Set([...Object.keys(bounds), ...(NON_NUMERIC[section] ?? [])]);
    for (const key of Object.keys(values))
      if (!allowed.has(key)) errors.push(`unknown rule ${section}.${key.slice(0, 40)}`);
    for (const [key, [min, max]] of Object.entries(bounds)) {
      const value = values[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) errors.push(`${section}.${key} must be a number`);
      else if (value < min || value > max) errors.push(`${section}.${key} must be from ${min} to ${max}`);
    }
  }
  if (errors.length === 0) {
    const r = input as ProtocolRules;
    if (typeof r.bpRise.bpPlausibility !== 'boolean') errors.push('bpRise.bpPlausibility must be true or false');
    if (!['infusion_end', 'dosing'].includes(r.recovery.observeFrom))
      errors.push('recovery.observeFrom must be infusion_end or dosing');
    if (r.bpRise.mediumPct >= r.bpRise.highPct) errors.push('bpRise.mediumPct must be below bpRise.highPct');
    if (r.hrRise.mediumPct >= r.hrRise.highPct) errors.push('hrRise.mediumPct must be below hrRise.highPct');
    if (r.hrRise.mediumMin > r.hrRise.highMin) errors.push('hrRise.mediumMin must not be above hrRise.highMin');
    if (r.spo2Low.medium <= r.spo2Low.high) errors.push('spo2Low.medium must be above spo2Low.high');
    if (r.hrLow.medium <= r.hrLow.high) errors.push('hrLow.medium must be above hrLow.high');
    if (r.baseline.predoseMaxDbp >= r.baseline.predoseMaxSbp)
      errors.push('baseline.predoseMaxDbp must be below baseline.predoseMaxSbp');
    if (r.bpRise.highDbp >= r.bpRise.highSbp) errors.push('bpRise.highDbp must be below bpRise.highSbp');
    for (const [section, key] of [
      ['baseline', 'minCuffReadings'],
      ['bpRise', 'confirmReadings'],
    ] as const) {
      if (!Number.isInteger((r[section] as Record<string, number>)[key]))
        errors.push(`${section}.${key} must be a whole number`);
    }
    // A persistence of 0 s would let a single sample raise a continuous-signal alert: CLINICAL.md forbids that.
    for (const section of ['hrRise', 'spo2Low', 'hrLow'] as const) {
      if (r[section].persistSeconds < 1) errors.push(`${section}.persistSeconds must be at least 1`);
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules: input as ProtocolRules };
}

/** The shape every rule set has; handy for tests and for the API docs. */
export const PROTOCOL_RULES_EXAMPLE: ProtocolRules = DEFAULT_IV_RULES;
