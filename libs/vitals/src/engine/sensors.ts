import type { AlertKind } from '#contracts';
import type { ProtocolRules } from '../protocol.js';
import type { ValidReading } from '../reading.js';

/**
 * CLINICAL.md "No dead sensor may look like a calm patient": technical alerts per parameter, so that
 * a dead ECG lead (HR 0 while SpO2 keeps coming) or a cuff that stopped cycling is never read as a
 * quiet patient. `signal_lost` (everything gone) is separate and unchanged (signal.ts).
 *
 * - hr_signal_lost: HR 0 or absent for `sensorSeconds` (60 s) while SpO2 still arrives;
 * - spo2_signal_lost: the same the other way round;
 * - bp_overdue: no cuff reading for twice `cuffIntervalMinutes` while `infusing` (time-driven).
 *
 * Protocol versions from before this rule lack the fields; the rules are then off.
 */
export interface SensorState {
  /** When monitoring started (infusion start); null outside `infusing`/`recovery`. */
  monitoringSinceMs: number | null;
  /** When infusion started; null outside `infusing` (bp_overdue applies only then). */
  infusingSinceMs: number | null;
  lastHrMs: number | null;
  lastSpo2Ms: number | null;
  lastCuffMs: number | null;
  /** First sample of the current run with the signal back: the episode ends once this lasts `clear`. */
  hrBackSinceMs: number | null;
  spo2BackSinceMs: number | null;
}

export const emptySensors = (): SensorState => ({
  monitoringSinceMs: null,
  infusingSinceMs: null,
  lastHrMs: null,
  lastSpo2Ms: null,
  lastCuffMs: null,
  hrBackSinceMs: null,
  spo2BackSinceMs: null,
});

const later = (a: number | null, t: number) => Math.max(a ?? t, t);

/** Bookkeeping every reading needs, in every phase: when each signal was last seen (> 0). */
export function noteSensors(state: SensorState, r: ValidReading): void {
  const t = r.recordedAtMs;
  if ((r.hr ?? 0) > 0) state.lastHrMs = later(state.lastHrMs, t);
  if ((r.spo2 ?? 0) > 0) state.lastSpo2Ms = later(state.lastSpo2Ms, t);
  if ((r.sbp ?? 0) > 0 || (r.dbp ?? 0) > 0) state.lastCuffMs = later(state.lastCuffMs, t);
}

export interface SensorVerdict {
  kind: Extract<AlertKind, 'hr_signal_lost' | 'spo2_signal_lost'>;
  /** The loss is established at this reading: open an episode if none is open. */
  lost: boolean;
  /** Set when an open episode is over: when the signal came back. */
  endedAtMs: number | null;
}

/**
 * One reading in `infusing` or `recovery` (after `noteSensors`), for HR and SpO2 in turn. A loss is
 * judged on a reading that carries the other signal; "for 60 s" means strictly longer than 60 s
 * since the last sample of the signal (or since monitoring began), as for signal_lost's gap, so a
 * monitor that sends each value once a minute in separate messages is never "lost".
 */
export function stepSensors(
  state: SensorState,
  r: ValidReading,
  rules: ProtocolRules,
  open: (kind: SensorVerdict['kind']) => boolean,
): SensorVerdict[] {
  const seconds = rules.signalLost.sensorSeconds;
  if (seconds === undefined || state.monitoringSinceMs === null) return [];
  const t = r.recordedAtMs;
  const clearMs = rules.episode.clearSeconds * 1000;
  const one = (
    kind: SensorVerdict['kind'],
    value: number | null,
    other: number | null,
    last: number | null,
    back: 'hrBackSinceMs' | 'spo2BackSinceMs',
  ): SensorVerdict => {
    if (value === 0) state[back] = null;
    else if (value !== null) state[back] ??= t;
    const lost = (other ?? 0) > 0 && t - Math.max(state.monitoringSinceMs!, last ?? -Infinity) > seconds * 1000;
    if (lost) state[back] = null;
    const since = state[back];
    const ended = open(kind) && !lost && since !== null && t - since >= clearMs ? since : null;
    return { kind, lost, endedAtMs: ended };
  };
  return [
    one('hr_signal_lost', r.hr, r.spo2, state.lastHrMs, 'hrBackSinceMs'),
    one('spo2_signal_lost', r.spo2, r.hr, state.lastSpo2Ms, 'spo2BackSinceMs'),
  ];
}

/** When bp_overdue becomes due (strictly past it), or null when the rule is off. */
export function cuffDueMs(state: SensorState, rules: ProtocolRules): number | null {
  const minutes = rules.signalLost.cuffIntervalMinutes;
  if (minutes === undefined || state.infusingSinceMs === null) return null;
  return Math.max(state.infusingSinceMs, state.lastCuffMs ?? -Infinity) + 2 * minutes * 60_000;
}
