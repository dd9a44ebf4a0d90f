import type { AlertKind, Phase } from '#contracts';
import type { ProtocolRules } from '../protocol.js';
import type { OpenAlert } from './alerts.js';
import { emptyBaselineData, type BaselineData } from './baseline.js';
import { emptySensors, type SensorState } from './sensors.js';
import { emptySignal, type SignalState } from './signal.js';
import { emptyPersist, type CuffState, type PersistState } from './trackers.js';
import type { Baseline } from './types.js';

/**
 * Everything an engine remembers about a session, as plain JSON-safe data: this is what
 * `serialize()` returns and `restore()` takes. Its size does not grow with the number of readings:
 * a few timestamps per rule, the baseline window while in `baseline`, and the alerts not yet resolved.
 */
export interface EngineState {
  version: 1;
  rules: ProtocolRules;
  phase: Phase;
  /** The engine's clock: the latest time it has seen (readings, phase changes, acknowledgements, ticks). */
  clockMs: number | null;
  /** recordedAt of the newest reading processed; anything older is late. */
  newestReadingMs: number | null;
  /** Collected while in `baseline`; dropped when the baseline is frozen at the end of that phase. */
  baselineData: BaselineData | null;
  /** Frozen when the session leaves `baseline`; null until then. */
  baseline: Baseline | null;
  cuff: CuffState;
  hrRise: PersistState;
  hrLow: PersistState;
  spo2Low: PersistState;
  signal: SignalState;
  /** Per-parameter technical alerts (sensors.ts). Filled in by `restore` for snapshots taken before it existed. */
  sensors: SensorState;
  /** Alerts not yet resolved, in the order they opened. */
  alerts: OpenAlert[];
}

export type EngineSnapshot = EngineState;

export function initialState(rules: ProtocolRules): EngineState {
  return {
    version: 1,
    rules: structuredClone(rules),
    phase: 'baseline',
    clockMs: null,
    newestReadingMs: null,
    baselineData: emptyBaselineData(),
    baseline: null,
    cuff: { consecutive: 0 },
    hrRise: emptyPersist(),
    hrLow: emptyPersist(),
    spo2Low: emptyPersist(),
    signal: emptySignal(),
    sensors: emptySensors(),
    alerts: [],
  };
}

/** Detection runs in these phases only: the baseline phase is what the rules compare against. */
export const MONITORED: readonly Phase[] = ['infusing', 'recovery'];

/** Phases move forward only; both ends are final. */
export const PHASE_ORDER: Record<Phase, number> = { baseline: 0, infusing: 1, recovery: 2, discharged: 3, aborted: 3 };

/** Technical alerts about the monitor rather than the patient (always medium). */
export const TECHNICAL_KINDS: readonly AlertKind[] = [
  'signal_lost',
  'hr_signal_lost',
  'spo2_signal_lost',
  'bp_overdue',
];

/** The alert whose episode of `kind` is still going on, if any (at most one per kind). */
export function episodeOf(state: EngineState, kind: AlertKind): OpenAlert | undefined {
  return state.alerts.find((o) => o.alert.kind === kind && o.episodeOpen);
}
