import type { ProtocolRules } from '../protocol.js';
import { fmt } from './baseline.js';
import type { AlertValues, BaselineValues } from './types.js';

/**
 * The alert rules of CLINICAL.md, one sample at a time: how far outside its limits one sample is.
 * Persistence and confirmation are the trackers' business (trackers.ts, signal.ts).
 *
 * 0 means "no signal" on every measurement, so a 0 never reaches these functions as a value.
 */

/** 0 = inside the medium limit, 1 = beyond the medium limit, 2 = beyond the high limit. */
export type Level = 0 | 1 | 2;

/** Why a sample is beyond one tier's limit: the alert's `trigger` and `message` when it opens or upgrades. */
export interface Hit {
  values: AlertValues;
  /** e.g. `SBP 176 > 158 (baseline 132 +20%)`. */
  text: string;
}

/** One sample against both tiers of one rule. */
export interface Finding {
  level: Level;
  medium: Hit | null;
  high: Hit | null;
}

/** The reason to name for a tier. With limits that do not nest, a high sample may miss the medium rule. */
export const hitFor = (f: Finding, level: Level): Hit =>
  (level === 2 ? f.high : (f.medium ?? f.high)) ?? { values: {}, text: '' };

const finding = (medium: Hit | null, high: Hit | null): Finding => ({
  level: high ? 2 : medium ? 1 : 0,
  medium,
  high,
});

/** "More than p% above baseline": strictly above this limit. Written to keep 100 → 120 exact. */
export const pctLimit = (baseline: number, pct: number) => (baseline * (100 + pct)) / 100;

/** A measurement's value, or null when not measured or 0 (no signal). */
export const present = (value: number | null): number | null => (value !== null && value > 0 ? value : null);

const relText = (label: string, value: number, limit: number, baseline: number, pct: number) =>
  `${label} ${fmt(value)} > ${fmt(limit)} (baseline ${fmt(baseline)} +${pct}%)`;

/**
 * bp_rise for one cuff reading. High: SBP or DBP > baseline +40%, or SBP ≥ 180, or DBP ≥ 110.
 * Medium: SBP or DBP > baseline +20%. The relative parts need a baseline; the absolute ones never do.
 * Returns null when the reading carries no cuff value (absent or 0).
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
  const measures = [
    { name: 'sbp', label: 'SBP', value: sbp, base: baseline?.sbp ?? null, abs: rules.highSbp },
    { name: 'dbp', label: 'DBP', value: dbp, base: baseline?.dbp ?? null, abs: rules.highDbp },
  ];
  const relative = (pct: number): Hit | null => {
    for (const m of measures) {
      if (m.value === null || m.base === null) continue;
      const limit = pctLimit(m.base, pct);
      if (m.value > limit)
        return { values: { sbp, dbp, measure: m.name, limit }, text: relText(m.label, m.value, limit, m.base, pct) };
    }
    return null;
  };
  // The severe absolute lines are named first when several reasons hold.
  let high: Hit | null = null;
  for (const m of measures) {
    if (m.value !== null && m.value >= m.abs) {
      high = { values: { sbp, dbp, measure: m.name, limit: m.abs }, text: `${m.label} ${fmt(m.value)} ≥ ${m.abs}` };
      break;
    }
  }
  return finding(relative(rules.mediumPct), high ?? relative(rules.highPct));
}

/**
 * hr_rise for one HR sample. Medium: > baseline +20% and ≥ 100. High: > baseline +40% or ≥ 130 —
 * as written in CLINICAL.md, so the high tier does not need the medium tier's 100/min floor.
 */
export function hrRiseFinding(hr: number, baselineHr: number | null, rules: ProtocolRules['hrRise']): Finding {
  let high: Hit | null = null;
  let medium: Hit | null = null;
  if (hr >= rules.highMin) high = { values: { hr, limit: rules.highMin }, text: `HR ${fmt(hr)} ≥ ${rules.highMin}` };
  if (baselineHr !== null) {
    const highLimit = pctLimit(baselineHr, rules.highPct);
    if (!high && hr > highLimit) {
      high = { values: { hr, limit: highLimit }, text: relText('HR', hr, highLimit, baselineHr, rules.highPct) };
    }
    const limit = pctLimit(baselineHr, rules.mediumPct);
    if (hr > limit && hr >= rules.mediumMin) {
      medium = {
        values: { hr, limit: Math.max(limit, rules.mediumMin) },
        text: `${relText('HR', hr, limit, baselineHr, rules.mediumPct)} and ≥ ${rules.mediumMin}`,
      };
    }
  }
  return finding(medium, high);
}

/** A "below a line" rule (spo2_low, hr_low): high below `high`, medium below `medium`. */
export function belowFinding(
  label: string,
  key: string,
  value: number,
  limits: { medium: number; high: number },
): Finding {
  const hit = (limit: number): Hit | null =>
    value < limit ? { values: { [key]: value, limit }, text: `${label} ${fmt(value)} < ${limit}` } : null;
  return finding(hit(limits.medium), hit(limits.high));
}

/**
 * CLINICAL.md "Implausible cuff readings need confirming": a pulse pressure (SBP − DBP) under 20 or
 * over 100 mmHg, a DBP not at least 10 below SBP, or a MAP (when sent) outside DBP…SBP. Returns why,
 * or null for a plausible reading. A part that needs a value the reading lacks is not judged: a
 * reading with SBP only has no pulse pressure, and is not implausible for that.
 */
export function cuffImplausibility(sbpIn: number | null, dbpIn: number | null, mapIn: number | null): string | null {
  const sbp = present(sbpIn);
  const dbp = present(dbpIn);
  const map = present(mapIn);
  if (sbp !== null && dbp !== null) {
    const pulse = sbp - dbp;
    if (pulse < 10) return `DBP ${fmt(dbp)} not at least 10 below SBP ${fmt(sbp)}`;
    if (pulse < 20) return `pulse pressure ${fmt(pulse)} < 20`;
    if (pulse > 100) return `pulse pressure ${fmt(pulse)} > 100`;
  }
  if (map !== null && dbp !== null && map < dbp) return `MAP ${fmt(map)} below DBP ${fmt(dbp)}`;
  if (map !== null && sbp !== null && map > sbp) return `MAP ${fmt(map)} above SBP ${fmt(sbp)}`;
  return null;
}
