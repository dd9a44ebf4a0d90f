import type { AlertKind, AlertSeverity, VitalsEvent } from '#contracts';
import type { AlertRecord, Baseline, ChartRules } from './records';

export type Column = (number | null)[];

/** uPlot's columns: time in seconds, then one column per measurement. 0 ("no signal") is a gap, not a value. */
export function columnsOf(
  readings: VitalsEvent[],
  measures: ('hr' | 'sbp' | 'dbp' | 'spo2')[],
): [number[], ...Column[]] {
  const time = readings.map((r) => Date.parse(r.recordedAt) / 1000);
  const values = measures.map((m) => readings.map((r) => (r[m] ? r[m] : null)));
  return [time, ...values];
}

/** A horizontal band on one scale: from the patient's baseline up to the limit where an alert opens. */
export interface Band {
  scale: string;
  from: number;
  to: number;
  colour: string;
}

/** The baseline as a line (`from` = `to`) when the limits are unknown. */
export function baselineBands(baseline: Baseline | null, rules: ChartRules | null) {
  const bp: Band[] = [];
  const pulse: Band[] = [];
  if (!baseline) return { bp, pulse };
  const rise = (value: number, pct: number | undefined) => (pct === undefined ? value : value * (1 + pct / 100));
  if (baseline.sbp)
    bp.push({ scale: 'mmHg', from: baseline.sbp, to: rise(baseline.sbp, rules?.bpRise.mediumPct), colour: SBP });
  if (baseline.dbp)
    bp.push({ scale: 'mmHg', from: baseline.dbp, to: rise(baseline.dbp, rules?.bpRise.mediumPct), colour: DBP });
  if (baseline.hr) {
    const limit = rules ? Math.max(rise(baseline.hr, rules.hrRise.mediumPct), rules.hrRise.mediumMin) : baseline.hr;
    pulse.push({ scale: 'bpm', from: baseline.hr, to: limit, colour: HR });
  }
  return { bp, pulse };
}

/** An alert episode, shaded across the chart from its opening to its end (or now, while it lasts). */
export interface Episode {
  from: number;
  to: number;
  severity: AlertSeverity;
}

export const BP_KINDS: AlertKind[] = ['bp_rise'];
export const PULSE_KINDS: AlertKind[] = ['hr_rise', 'hr_low', 'spo2_low', 'signal_lost'];

export function episodesOf(alerts: AlertRecord[], kinds: AlertKind[], nowMs: number): Episode[] {
  return alerts
    .filter((a) => kinds.includes(a.kind))
    .map((a) => {
      const end = a.endedAt ?? a.clearedAt ?? (a.state === 'resolved' ? a.resolvedAt : null);
      return { from: Date.parse(a.openedAt) / 1000, to: (end ? Date.parse(end) : nowMs) / 1000, severity: a.severity };
    });
}

// Colours of a bedside monitor, checked for contrast on the dark background.
export const HR = '#3fb950';
export const SBP = '#ff7b72';
export const DBP = '#ffa657';
export const SPO2 = '#58a6ff';
