import type { ProtocolRules } from '../protocol.js';
import type { ValidReading } from '../reading.js';
import type { Baseline } from './types.js';

/**
 * The baseline phase lasts minutes, but nothing stops a session from sitting in it for hours: keep
 * only the most recent samples so memory stays bounded (600 = 10 minutes at 1 Hz).
 */
export const BASELINE_WINDOW_SAMPLES = 600;
export const BASELINE_WINDOW_CUFF_READINGS = 50;

/** A bounded window of one continuous signal, plus the time span of all its samples. */
interface SeriesWindow {
  values: number[];
  next: number;
  firstMs: number | null;
  lastMs: number | null;
}

/** Plain data, so an engine's state can be serialized as it is. */
export interface BaselineData {
  cuff: { sbp: number; dbp: number }[];
  hr: SeriesWindow;
  spo2: SeriesWindow;
}

const emptySeries = (): SeriesWindow => ({ values: [], next: 0, firstMs: null, lastMs: null });

export function emptyBaselineData(): BaselineData {
  return { cuff: [], hr: emptySeries(), spo2: emptySeries() };
}

function addToSeries(series: SeriesWindow, value: number, atMs: number): void {
  if (series.values.length < BASELINE_WINDOW_SAMPLES) series.values.push(value);
  else series.values[series.next] = value;
  series.next = (series.next + 1) % BASELINE_WINDOW_SAMPLES;
  series.firstMs = series.firstMs === null ? atMs : Math.min(series.firstMs, atMs);
  series.lastMs = series.lastMs === null ? atMs : Math.max(series.lastMs, atMs);
}

/** Adds one baseline-phase reading. Zeros are "no signal", never a measurement. */
export function addBaselineReading(data: BaselineData, reading: ValidReading): void {
  const { sbp, dbp, hr, spo2, recordedAtMs } = reading;
  if (sbp !== null && dbp !== null && sbp > 0 && dbp > 0) {
    data.cuff.push({ sbp, dbp });
    if (data.cuff.length > BASELINE_WINDOW_CUFF_READINGS) data.cuff.shift();
  }
  if (hr !== null && hr > 0) addToSeries(data.hr, hr, recordedAtMs);
  if (spo2 !== null && spo2 > 0) addToSeries(data.spo2, spo2, recordedAtMs);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const seconds = (s: SeriesWindow) => (s.firstMs === null || s.lastMs === null ? 0 : (s.lastMs - s.firstMs) / 1000);

/** The baseline the data supports under `rules` (CLINICAL.md "Baseline"). */
export function baselineOf(data: BaselineData, rules: ProtocolRules): Baseline {
  const { minCuffReadings, minContinuousSeconds } = rules.baseline;
  const enoughCuff = data.cuff.length >= minCuffReadings && data.cuff.length > 0;
  const hrSeconds = seconds(data.hr);
  const spo2Seconds = seconds(data.spo2);
  return {
    sbp: enoughCuff ? median(data.cuff.map((c) => c.sbp)) : null,
    dbp: enoughCuff ? median(data.cuff.map((c) => c.dbp)) : null,
    hr: data.hr.values.length > 0 && hrSeconds >= minContinuousSeconds ? median(data.hr.values) : null,
    spo2: data.spo2.values.length > 0 && spo2Seconds >= minContinuousSeconds ? median(data.spo2.values) : null,
    cuffReadings: data.cuff.length,
    hrSeconds,
    spo2Seconds,
  };
}

/** Baseline of a session's baseline-phase readings (the caller passes only those). */
export function computeBaseline(readings: Iterable<ValidReading>, rules: ProtocolRules): Baseline {
  const data = emptyBaselineData();
  for (const reading of readings) addBaselineReading(data, reading);
  return baselineOf(data, rules);
}

export type PredoseBlockerCode = 'baseline_missing' | 'predose_bp_high';
export interface PredoseBlocker {
  code: PredoseBlockerCode;
  message: string;
}

/**
 * Why infusion may not start yet (empty = may start). A baseline needs BP and HR: both feed the
 * rise rules. SpO2 has no relative rule, so a missing SpO2 baseline does not block.
 */
export function predoseGate(baseline: Baseline | null, rules: ProtocolRules): PredoseBlocker[] {
  if (!baseline || baseline.sbp === null || baseline.dbp === null || baseline.hr === null) {
    const { minCuffReadings, minContinuousSeconds } = rules.baseline;
    return [
      {
        code: 'baseline_missing',
        message: `baseline needs ${minCuffReadings} cuff readings and ${minContinuousSeconds} s of heart rate`,
      },
    ];
  }
  const { predoseMaxSbp, predoseMaxDbp } = rules.baseline;
  if (baseline.sbp > predoseMaxSbp || baseline.dbp > predoseMaxDbp) {
    return [
      {
        code: 'predose_bp_high',
        message: `baseline BP ${fmt(baseline.sbp)}/${fmt(baseline.dbp)} is above ${predoseMaxSbp}/${predoseMaxDbp}`,
      },
    ];
  }
  return [];
}

/** Numbers as a nurse reads them: at most one decimal, no trailing ".0". */
export function fmt(value: number): string {
  return String(Math.round(value * 10) / 10);
}
