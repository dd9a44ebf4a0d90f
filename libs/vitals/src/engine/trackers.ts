import type { Level } from './rules.js';

/**
 * Persistence and confirmation, the part of each rule that turns single samples into an episode.
 * State is plain data (serializable) and constant in size whatever the sampling rate.
 */

/** What a tracker concluded after one sample. */
export interface Verdict {
  /** The tier whose rule is now met (persisted / confirmed): opens or upgrades an alert. */
  met: Level;
  /** Set when an open episode is over: when the value came back inside the medium limit. */
  endedAtMs: number | null;
}

/**
 * Continuous signals (HR, SpO2). CLINICAL.md: a condition is met when samples outside the limit span
 * at least `persist` with no sample inside the limit between them, so one sample never raises,
 * however sparse the samples. A sample inside the medium limit (but not the high one) breaks only the
 * high run. Samples without a value (null or 0) are not evidence either way and are never passed in.
 */
export interface PersistState {
  mediumSinceMs: number | null;
  highSinceMs: number | null;
  /** First sample of the current run inside the medium limit: the episode ends once it lasts `clear`. */
  insideSinceMs: number | null;
}

export const emptyPersist = (): PersistState => ({ mediumSinceMs: null, highSinceMs: null, insideSinceMs: null });

export function stepPersist(
  state: PersistState,
  atMs: number,
  level: Level,
  persistMs: number,
  clearMs: number,
  episodeOpen: boolean,
): Verdict {
  if (level >= 1) {
    state.mediumSinceMs ??= atMs;
    state.insideSinceMs = null;
  } else {
    state.mediumSinceMs = null;
    state.insideSinceMs ??= atMs;
  }
  state.highSinceMs = level === 2 ? (state.highSinceMs ?? atMs) : null;
  const lasted = (since: number | null, ms: number) => since !== null && atMs - since >= ms;
  const met: Level = lasted(state.highSinceMs, persistMs) ? 2 : lasted(state.mediumSinceMs, persistMs) ? 1 : 0;
  const ended = episodeOpen && level === 0 && lasted(state.insideSinceMs, clearMs);
  return { met, endedAtMs: ended ? state.insideSinceMs : null };
}

/**
 * Cuff BP. A cuff reading is a single sample, so persistence means confirmation: the medium tier
 * needs `confirm` consecutive cuff readings beyond it (a high reading counts too). The high tier
 * alerts at once on one reading, as CLINICAL.md says: a cuff reading ≥ 180/110 or > +40% is never
 * written off as an artefact, even if the next one is back to normal — the alert then latches as
 * `cleared` so a nurse sees and acknowledges it. One reading inside the medium limit ends an episode.
 */
export interface CuffState {
  consecutive: number;
  /**
   * The last cuff reading, when it was implausible and met a bp_rise tier (CLINICAL.md refinements):
   * held unconfirmed until the next cuff reading. Absent in snapshots taken before the rule.
   */
  held?: { level: Level; sample: { sbp: number | null; dbp: number | null } } | null;
}

export function stepCuff(state: CuffState, atMs: number, level: Level, confirm: number, episodeOpen: boolean): Verdict {
  state.consecutive = level >= 1 ? state.consecutive + 1 : 0;
  const met: Level = level === 2 ? 2 : level === 1 && state.consecutive >= confirm ? 1 : 0;
  return { met, endedAtMs: episodeOpen && level === 0 ? atMs : null };
}
