import type { AlertKind, AlertSeverity, AlertView, SessionBaseline, VitalsEvent } from '#contracts';
import type { ChartRules } from './records';

export type Column = (number | null)[];

/** What the guides need of a baseline. */
type BaselineValues = Pick<SessionBaseline, 'sbp' | 'dbp' | 'hr' | 'spo2'>;

/** uPlot's columns: time in seconds, then one column per measurement. 0 ("no signal") is a gap, not a value. */
export function columnsOf(
  readings: VitalsEvent[],
  measures: ('hr' | 'sbp' | 'dbp' | 'spo2')[],
): [number[], ...Column[]] {
  const time = readings.map((r) => Date.parse(r.recordedAt) / 1000);
  const values = measures.map((m) => readings.map((r) => (r[m] ? r[m] : null)));
  return [time, ...values];
}

/** A horizontal band on one scale: the patient's normal range, from baseline up to the medium alert limit. */
export interface Band {
  scale: string;
  from: number;
  to: number;
}

/** A protocol limit drawn as a line: where an alert of that priority opens. */
export interface Limit {
  scale: string;
  value: number;
  label: string;
  severity: 'medium' | 'high';
}

export interface ChartGuides {
  bands: Band[];
  limits: Limit[];
}

const none = (): ChartGuides => ({ bands: [], limits: [] });

/**
 * The guides of each chart: the normal band (baseline to its medium limit) and the protocol's fixed
 * limits (SBP ≥ 180, HR ≥ 130 or < 50 / < 40, SpO2 < 92 / < 90). Without a baseline only the fixed limits.
 */
export function chartGuides(baseline: BaselineValues | null, rules: ChartRules | null) {
  const bp = none();
  const hr = none();
  const spo2 = none();
  const rise = (value: number, pct: number | undefined) => (pct === undefined ? value : value * (1 + pct / 100));
  if (baseline?.sbp)
    bp.bands.push({ scale: 'mmHg', from: baseline.sbp, to: rise(baseline.sbp, rules?.bpRise.mediumPct) });
  if (baseline?.dbp)
    bp.bands.push({ scale: 'mmHg', from: baseline.dbp, to: rise(baseline.dbp, rules?.bpRise.mediumPct) });
  if (baseline?.hr) {
    const limit = rules ? Math.max(rise(baseline.hr, rules.hrRise.mediumPct), rules.hrRise.mediumMin) : baseline.hr;
    hr.bands.push({ scale: 'bpm', from: baseline.hr, to: limit });
  }
  if (rules) {
    bp.limits.push({
      scale: 'mmHg',
      value: rules.bpRise.highSbp,
      label: `SBP ${rules.bpRise.highSbp}`,
      severity: 'high',
    });
    hr.limits.push(
      { scale: 'bpm', value: rules.hrRise.highMin, label: `${rules.hrRise.highMin}`, severity: 'high' },
      { scale: 'bpm', value: rules.hrLow.medium, label: `< ${rules.hrLow.medium}`, severity: 'medium' },
      { scale: 'bpm', value: rules.hrLow.high, label: `< ${rules.hrLow.high}`, severity: 'high' },
    );
    spo2.limits.push(
      { scale: '%', value: rules.spo2Low.medium, label: `< ${rules.spo2Low.medium} %`, severity: 'medium' },
      { scale: '%', value: rules.spo2Low.high, label: `< ${rules.spo2Low.high} %`, severity: 'high' },
    );
  }
  return { bp, hr, spo2 };
}

/** An alert episode, shaded across the chart from its opening to its end (or now, while it lasts). */
export interface Episode {
  from: number;
  to: number;
  severity: AlertSeverity;
}

export const BP_KINDS: AlertKind[] = ['bp_rise'];
export const HR_KINDS: AlertKind[] = ['hr_rise', 'hr_low', 'signal_lost'];
export const SPO2_KINDS: AlertKind[] = ['spo2_low', 'signal_lost'];

export function episodesOf(alerts: AlertView[], kinds: AlertKind[], nowMs: number): Episode[] {
  return alerts
    .filter((a) => kinds.includes(a.kind))
    .map((a) => {
      const end = a.endedAt ?? a.clearedAt ?? (a.state === 'resolved' ? a.resolvedAt : null);
      return { from: Date.parse(a.openedAt) / 1000, to: (end ? Date.parse(end) : nowMs) / 1000, severity: a.severity };
    });
}

/** Where the newest value of a column is, for the legend when nothing is hovered. */
export function latestIndex(column: Column): number | null {
  for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null && column[i] !== undefined) return i;
  return null;
}

// Colours of a bedside monitor, checked for contrast on the dark background. Red and amber are kept
// for alarms (episodes, limits): BP is violet, its normal band teal.
export const HR = '#3fb950';
export const SBP = '#d2a8ff';
export const DBP = '#d2a8ff';
export const SPO2 = '#58a6ff';
export const NORMAL_BAND = '#39c5cf';
export const LIMIT: Record<Limit['severity'], string> = { high: '#f85149', medium: '#d29922' };
