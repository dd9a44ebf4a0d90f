import type { VitalsEvent } from '#contracts';

/** The measurements a tile shows. BP is a cuff reading every few minutes; HR and SpO2 come each second. */
export const TILE_VITALS = ['hr', 'sbp', 'dbp', 'spo2'] as const;
export type TileVital = (typeof TILE_VITALS)[number];

export interface Sample {
  value: number;
  /** `recordedAt` of the reading, in ms: the age shown is the age of the measurement, not of its arrival. */
  at: number;
}

/** The newest value of one measurement and the recent ones a trend is read from (oldest first). */
export interface VitalTrack {
  latest: Sample | null;
  recent: Sample[];
}

export const emptyTrack = (): VitalTrack => ({ latest: null, recent: [] });

const KEEP_MS = 5 * 60_000;
/** A trend compares the newest value with one about this much older. */
const TREND_LOOKBACK_MS = 60_000;
/** Changes smaller than these are shown as steady: a monitor's beat-to-beat noise is not a trend. */
const TREND_STEP: Record<TileVital, number> = { hr: 5, sbp: 10, dbp: 8, spo2: 2 };

export type Trend = 'rising' | 'falling' | 'steady';

/** Adds a sample in time order; keeps five minutes, and always the two newest (cuff readings are sparse). */
export function addSample(track: VitalTrack, sample: Sample): VitalTrack {
  const recent = [...track.recent];
  let index = recent.length;
  while (index > 0 && recent[index - 1]!.at > sample.at) index--;
  if (recent[index - 1]?.at === sample.at) recent[index - 1] = sample;
  else recent.splice(index, 0, sample);
  const newest = recent.at(-1)!;
  const kept = recent.filter((s, i) => i >= recent.length - 2 || s.at >= newest.at - KEEP_MS);
  return { latest: newest, recent: kept };
}

export function addVitals(
  tracks: Record<TileVital, VitalTrack>,
  vitals: Pick<VitalsEvent, TileVital | 'recordedAt'>,
): Record<TileVital, VitalTrack> {
  const at = Date.parse(vitals.recordedAt);
  const next = { ...tracks };
  for (const vital of TILE_VITALS) {
    const value = vitals[vital];
    if (value !== null && value !== undefined) next[vital] = addSample(next[vital], { value, at });
  }
  return next;
}

/** 0 is what a monitor sends without a signal: never a value, so never part of a trend. */
export const isNoSignal = (sample: Sample | null): boolean => sample?.value === 0;

export function trendOf(track: VitalTrack, vital: TileVital): Trend | null {
  const latest = track.latest;
  if (!latest || latest.value === 0) return null;
  const earlier = track.recent.filter((s) => s.value !== 0 && s.at < latest.at);
  if (earlier.length === 0) return null;
  const reference = earlier.filter((s) => s.at <= latest.at - TREND_LOOKBACK_MS).at(-1) ?? earlier[0]!;
  const change = latest.value - reference.value;
  if (change >= TREND_STEP[vital]) return 'rising';
  if (change <= -TREND_STEP[vital]) return 'falling';
  return 'steady';
}
