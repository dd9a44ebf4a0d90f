import type { AlertKind, AlertSeverity, AlertState, Phase, SessionBaseline } from '#contracts';
import type { ValidReading } from '../reading.js';

/** A session's baseline: medians of the seated readings before dosing; `null` where there was too little data. */
export type Baseline = SessionBaseline;

/** The part of a baseline an alert carries, as the contract's `Alert.baseline`. */
export type BaselineValues = Pick<Baseline, 'sbp' | 'dbp' | 'hr' | 'spo2'>;

/** Values recorded with an alert (`trigger`, `peak`): flat, JSON-safe, as the contract wants. */
export type AlertValues = Record<string, number | string | null>;

/**
 * One alert as the engine knows it: one episode of one kind. Times are epoch ms on the readings'
 * clock. The service maps `id` to a UUID and the rest to the contract's `Alert` (`toContractAlert`).
 */
export interface AlertSnapshot {
  /** Deterministic: `${kind}:${openedAtMs}`. The same inputs always give the same ids. */
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  openedAtMs: number;
  lastChangedAtMs: number;
  /** When the alert became high (opening or upgrade): the escalation clock starts here. */
  highSinceMs: number | null;
  baseline: BaselineValues | null;
  /** Values and limit at opening; `upgradeTrigger` the same at the upgrade to high. */
  trigger: AlertValues;
  upgradeTrigger: AlertValues | null;
  /** Worst values during the episode (null for signal_lost). */
  peak: AlertValues | null;
  acknowledgedBy: string | null;
  acknowledgedNote: string | null;
  acknowledgedAtMs: number | null;
  escalatedAtMs: number | null;
  /** Last reminder and how many there were (acknowledged alerts whose condition is still present). */
  remindedAtMs: number | null;
  reminders: number;
  /** When the value came back inside the medium limit, and the episode's duration up to then. */
  endedAtMs: number | null;
  durationMs: number | null;
  /** High alert whose condition ended before acknowledgement (latched until acknowledged). */
  clearedAtMs: number | null;
  resolvedAtMs: number | null;
  message: string;
}

export const ALERT_EVENT_TYPES = [
  'opened',
  'upgraded',
  'peak',
  'acknowledged',
  'cleared',
  'resolved',
  'escalated',
  'reminded',
] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** One transition of one alert. `alert` is a copy of the alert after the transition. */
export interface AlertEvent {
  type: AlertEventType;
  atMs: number;
  alert: AlertSnapshot;
}

/** Everything the engine reacts to, in the order the service processed it. */
export type EngineInput =
  | { type: 'reading'; reading: ValidReading }
  | { type: 'phase'; phase: Phase; atMs: number }
  | { type: 'acknowledge'; alertId: string; actorId: string; note?: string | null; atMs: number }
  | { type: 'tick'; atMs: number };
