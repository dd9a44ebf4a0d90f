import type { ProtocolRules } from '../protocol.js';
import { fmt } from './baseline.js';
import type { AlertValues, BaselineValues } from './types.js';

/**
 * The alert rules of CLINICAL.md, one sample at a time: how far outside its limits one sample is.
 * Persistence and confirmation are the trackers' business (continuous.ts, bp-rise.ts).
 *
 * 0 means "no signal" on every measurement, so a 0 never reaches these functions as a value.
 */

/** 0 = inside the medium limit, 1 = beyond the medium limit, 2 = beyond the high limit. */
export type Level = 0 | 1 | 2;

export interface Finding {
  level: Level;
  /** Values and the limit they crossed: the alert's `trigger` when this sample opens or upgrades it. */
  values: AlertValues;
  /** One line for the alert's `message`, e.g. `SBP 176 > 158 (baseline 132 +20%)`. */
  text: string;
}

const INSIDE: Finding = { level: 0, values: {}, text: '' };

/** "More than p% above baseline": strictly above this limit. Written to keep 100 → 120 exact. */
export const pctLimit = (baseline: number, pct: number) => (baseline * (100 + pct)) / 100;

/** A measurement's value, or null when not measured or 0 (no signal). */
export const present = (value: number | null): number | null => (value !== null && value > 0 ? value : null);

const relText = (label: string, value: number, limit: number, baseline: number, pct: number) =>
  `${label} ${fmt(value)} > ${Math.round(limit)} (baseline ${fmt(baseline)} +${pct}%)`;

/**
 * bp_rise for one cuff reading. High: SBP or DBP > baseline +40%, or SBP ≥ 180, or DBP ≥ 110.
 * Medium: SBP or DBP > baseline +20%. The relative parts need a baseline; the absolute ones never do.
 * Returns null when the reading carries no cuff value.
 */
export function bpFinding(
  sbpIn: number | null,
  dbpIn: number | null,
  baseline: BaselineValues | null,
  rules: ProtocolRules['bpRise'],
): Finding | null {
  const sbp = present(sbpIn);
  const dbp = present(dbpIn);
  if (sbp === null && dbp === null) return null;
  const values = { sbp, dbp };
  const measures = [
    { name: 'sbp', label: 'SBP', value: sbp, base: baseline?.sbp ?? null, abs: rules.highSbp },
    { name: 'dbp', label: 'DBP', value: dbp, base: baseline?.dbp ?? null, abs: rules.highDbp },
  ];
  // Order = which reason the message names when several hold: the severe absolute lines first.
  for (const m of measures) {
    if (m.value !== null && m.value >= m.abs) {
      return {
        level: 2,
        values: { ...values, measure: m.name, limit: m.abs },
        text: `${m.label} ${fmt(m.value)} ≥ ${m.abs}`,
      };
    }
  }
  for (const [level, pct] of [
    [2, rules.highPct],
    [1, rules.mediumPct],
  ] as const) {
    for (const m of measures) {
      if (m.value === null || m.base === null) continue;
      const limit = pctLimit(m.base, pct);
      if (m.value > limit) {
        return {
          level,
          values: { ...values, measure: m.name, limit },
          text: relText(m.label, m.value, limit, m.base, pct),
        };
      }
    }
  }
  return { ...INSIDE, values };
}

/**
 * hr_rise for one HR sample. Medium: > baseline +20% and ≥ 100. High: > baseline +40% or ≥ 130 —
 * as written in CLINICAL.md, so the high tier does not need the medium tier's 100/min floor.
 */
export function hrRiseFinding(hr: number, baselineHr: number | null, rules: ProtocolRules['hrRise']): Finding {
  if (hr >= rules.highMin) return { level: 2, values: { hr, limit: rules.highMin }, text: `HR ${fmt(hr)} ≥ ${rules.highMin}` };
  if (baselineHr === null) return INSIDE;
  const high = pctLimit(baselineHr, rules.highPct);
  if (hr > high) return { level: 2, values: { hr, limit: high }, text: relText('HR', hr, high, baselineHr, rules.highPct) };
  const medium = pctLimit(baselineHr, rules.mediumPct);
  if (hr > medium && hr >= rules.mediumMin) {
    return {
      level: 1,
      values: { hr, limit: Math.max(medium, rules.mediumMin) },
      text: `${relText('HR', hr, medium, baselineHr, rules.mediumPct)} and ≥ ${rules.mediumMin}`,
    };
  }
  return INSIDE;
}

/** A "below a line" rule (spo2_low, hr_low): high below `high`, medium below `medium`. */
export function belowFinding(label: string, key: string, value: number, limits: { medium: number; high: number }): Finding {
  for (const [level, limit] of [
    [2, limits.high],
    [1, limits.medium],
  ] as const) {
    if (value < limit) return { level, values: { [key]: value, limit }, text: `${label} ${fmt(value)} < ${limit}` };
  }
  return INSIDE;
}
