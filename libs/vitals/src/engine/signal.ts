import type { ProtocolRules } from '../protocol.js';
import type { ValidReading } from '../reading.js';

/**
 * signal_lost, the technical alert: "no usable reading for 60 s while infusing, or HR and SpO2 both
 * 0 for 15 s". Both clauses apply only while `infusing`: in recovery the patient may be taken off
 * the monitor (walking for the steady-gait check), and the clinical rules still run on whatever
 * readings arrive. The gap clause cannot be seen from readings alone (there are none), so the engine
 * checks it whenever its clock moves: on `tick(nowMs)` and on every input.
 */
export interface SignalState {
  /** When infusion started; null outside `infusing`, which switches the rule off. */
  infusingSinceMs: number | null;
  lastUsableMs: number | null;
  /** First sample of the current run with HR and SpO2 both 0. */
  zeroSinceMs: number | null;
  /** First usable sample since the signal was last lost: the episode ends once this lasts `clear`. */
  goodSinceMs: number | null;
}

export type LossReason = 'no_reading' | 'no_signal';

export const emptySignal = (): SignalState => ({
  infusingSinceMs: null,
  lastUsableMs: null,
  zeroSinceMs: null,
  goodSinceMs: null,
});

/** A reading that carries at least one vital sign the rules watch, with a signal (> 0). */
export function isUsable(r: ValidReading): boolean {
  return [r.hr, r.spo2, r.sbp, r.dbp].some((v) => v !== null && v > 0);
}

/**
 * When the gap clause becomes due: `noReadingSeconds` after the last usable reading, or after the
 * infusion started if that is later. Due means the clock went strictly past it, so a monitor that
 * samples exactly once a minute is not "lost" between its samples.
 */
export function gapDueMs(state: SignalState, rules: ProtocolRules['signalLost']): number | null {
  if (state.infusingSinceMs === null) return null;
  return Math.max(state.infusingSinceMs, state.lastUsableMs ?? -Infinity) + rules.noReadingSeconds * 1000;
}

/** Bookkeeping every reading needs, in every phase: when the last usable reading was. */
export function noteReading(state: SignalState, r: ValidReading): void {
  if (isUsable(r)) state.lastUsableMs = Math.max(state.lastUsableMs ?? r.recordedAtMs, r.recordedAtMs);
}

/** One reading while infusing (after `noteReading`). */
export function stepSignal(
  state: SignalState,
  r: ValidReading,
  rules: ProtocolRules,
  episodeOpen: boolean,
): { met: LossReason | null; endedAtMs: number | null } {
  const t = r.recordedAtMs;
  if (r.hr === 0 && r.spo2 === 0) {
    state.zeroSinceMs ??= t;
    state.goodSinceMs = null;
  } else if ((r.hr ?? 0) > 0 || (r.spo2 ?? 0) > 0) {
    state.zeroSinceMs = null;
  }
  if (isUsable(r) && state.zeroSinceMs === null) state.goodSinceMs ??= t;
  const zeroMet = state.zeroSinceMs !== null && t - state.zeroSinceMs >= rules.signalLost.zeroSeconds * 1000;
  const back = state.goodSinceMs !== null && t - state.goodSinceMs >= rules.episode.clearSeconds * 1000;
  return {
    met: zeroMet ? 'no_signal' : null,
    endedAtMs: episodeOpen && !zeroMet && back ? state.goodSinceMs : null,
  };
}
