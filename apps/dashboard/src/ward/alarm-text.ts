import type { Alert } from '#contracts';
import type { TileVital, VitalTrack } from './vital-track';

/** Which readout of a tile an alert is about: that value is highlighted in the alarm's colour. */
export const ALARM_VITALS: Record<string, TileVital[]> = {
  bp_rise: ['sbp', 'dbp'],
  hr_rise: ['hr'],
  hr_low: ['hr'],
  spo2_low: ['spo2'],
  hr_signal_lost: ['hr'],
  spo2_signal_lost: ['spo2'],
  bp_overdue: ['sbp'],
  signal_lost: ['hr', 'spo2'],
};

/** The readouts an alert is about. `signal_lost` for want of any reading at all concerns BP as well. */
export function alarmVitals(alert: Pick<Alert, 'kind' | 'trigger'>): TileVital[] {
  if (alert.kind === 'signal_lost' && alert.trigger?.reason === 'no_reading') return ['hr', 'sbp', 'spo2'];
  return ALARM_VITALS[alert.kind] ?? [];
}

const LABELS: Record<string, string> = { sbp: 'SBP', dbp: 'DBP', hr: 'HR', spo2: 'SpO2' };
const whole = (value: number) => String(Math.round(value));
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * The alert in words, as the board shows it: the value now, the worst value of the episode and the
 * limit as a whole number: "SBP 201 · worst 210 · limit > 153" (each part stays true once the
 * condition has ended, as a latched alarm's text must). The service's `message` quotes the value at
 * opening (and the limit to a decimal); a nurse needs the value now and how bad it got.
 * `current` is the tile's newest value of the measurement, or null when there is none worth quoting.
 */
export function alarmText(alert: Alert, current: (vital: TileVital) => number | null): string {
  const trigger = alert.trigger ?? {};
  const measure = (typeof trigger.measure === 'string' ? trigger.measure : null) ?? ALARM_VITALS[alert.kind]?.[0];
  const limit = num(trigger.limit);
  if (!measure || limit === null || !(measure in LABELS)) return roundNumbers(alert.message);
  const below = alert.kind === 'spo2_low' || alert.kind === 'hr_low';
  const high = alert.severity === 'high';
  // The absolute ceilings (SBP ≥ 180, HR ≥ 130) are "at or above"; the others strictly beyond.
  const comparator = below ? '<' : high && /≥/.test(alert.message) ? '≥' : '>';
  const now = current(measure as TileVital);
  const worst = num(alert.peak?.[measure]) ?? num(trigger[measure]);
  const parts = [`${LABELS[measure]} ${now === null ? '—' : whole(now)}`];
  if (worst !== null) parts.push(`worst ${whole(worst)}`);
  parts.push(`limit ${comparator} ${whole(limit)}`);
  return parts.join(' · ');
}

/** Any decimal in the service's words, as a whole number: "SBP 166 > 152.6" → "SBP 166 > 153". */
export const roundNumbers = (text: string): string => text.replace(/\d+\.\d+/g, (n) => whole(Number(n)));

/** The newest value of a track, unless it is "no signal" (0) or too old to quote. */
export function quotable(track: VitalTrack, now: number, maxAgeMs: number): number | null {
  const latest = track.latest;
  if (!latest || latest.value === 0 || now - latest.at > maxAgeMs) return null;
  return latest.value;
}
