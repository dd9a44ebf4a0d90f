import type { Alert, SessionSummary } from '#contracts';
import { awaitsAcknowledgement } from './alarm-level';
import { openAlerts, type Board, type Tile } from './board';

/**
 * How the board signals an alert, after IEC 60601-1-8: three priorities, each with its own colour,
 * flash rate and tone. Technical alarms (the equipment, not the patient: no signal, no reading) are
 * told apart from clinical ones, so that a dead probe is never read as a calm or a sick patient.
 */
export type AlarmPriority = 'high' | 'medium' | 'technical';

/**
 * `active`: the condition is present and nobody has acknowledged it. `latched`: a high alert whose
 * condition ended before anyone acknowledged it (`cleared`). `acknowledged`: present, acknowledged.
 */
export type AlarmCondition = 'active' | 'latched' | 'acknowledged';

/** Kinds about the equipment rather than the patient (CLINICAL.md "technical alerts"). */
const TECHNICAL_KINDS = new Set(['signal_lost', 'hr_signal_lost', 'spo2_signal_lost', 'bp_overdue']);

const PRIORITY_RANK: Record<AlarmPriority, number> = { high: 0, medium: 1, technical: 2 };
const CONDITION_RANK: Record<AlarmCondition, number> = { active: 0, latched: 1, acknowledged: 2 };

/**
 * Flash rates in Hz. IEC 60601-1-8: high 1.4–2.8 Hz, medium 0.4–0.8 Hz, low (technical here) steady.
 * Only an unacknowledged, present condition flashes: a latched or acknowledged one is steady.
 */
export const FLASH_HZ: Record<AlarmPriority, number> = { high: 2, medium: 0.7, technical: 0 };

export const PRIORITY_NAMES: Record<AlarmPriority, string> = {
  high: 'HIGH',
  medium: 'MEDIUM',
  technical: 'TECHNICAL',
};

export function priorityOf(alert: Pick<Alert, 'kind' | 'severity'>): AlarmPriority {
  if (TECHNICAL_KINDS.has(alert.kind)) return 'technical';
  return alert.severity === 'high' ? 'high' : 'medium';
}

export function conditionOf(alert: Pick<Alert, 'state'>): AlarmCondition {
  if (alert.state === 'cleared') return 'latched';
  return alert.state === 'active' ? 'active' : 'acknowledged';
}

export const flashHz = (alert: Pick<Alert, 'kind' | 'severity' | 'state'>): number =>
  conditionOf(alert) === 'active' ? FLASH_HZ[priorityOf(alert)] : 0;

/** One open alert on the board, with the chair it belongs to. */
export interface BoardAlarm {
  alert: Alert;
  tile: Tile;
  session: SessionSummary;
  priority: AlarmPriority;
  condition: AlarmCondition;
}

export function compareAlarms(a: BoardAlarm, b: BoardAlarm): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    CONDITION_RANK[a.condition] - CONDITION_RANK[b.condition] ||
    Date.parse(a.alert.openedAt) - Date.parse(b.alert.openedAt) ||
    a.session.chair.localeCompare(b.session.chair, undefined, { numeric: true })
  );
}

/** Every open alert of the board, most urgent first: high before medium before technical. */
export function boardAlarms(board: Board): BoardAlarm[] {
  const alarms: BoardAlarm[] = [];
  for (const tile of board.values()) {
    for (const alert of openAlerts(tile)) {
      alarms.push({ alert, tile, session: tile.session, priority: priorityOf(alert), condition: conditionOf(alert) });
    }
  }
  return alarms.sort(compareAlarms);
}

/** The alert a tile leads with: the first of its alarms in board order. */
export function leadAlarm(tile: Tile): BoardAlarm | null {
  const alarms = openAlerts(tile).map((alert) => ({
    alert,
    tile,
    session: tile.session,
    priority: priorityOf(alert),
    condition: conditionOf(alert),
  }));
  return alarms.sort(compareAlarms)[0] ?? null;
}

/**
 * What the speaker plays: one tone at a time, for the most urgent alarm still waiting for someone.
 * A present condition outranks a latched one (whose condition has ended); a latched high alert
 * gives a single reminder pulse rather than the high burst, so the ear can tell them apart.
 */
export type AlarmTone = 'high' | 'medium' | 'technical' | 'latched';

export function toneFor(alarms: BoardAlarm[]): AlarmTone | null {
  const waiting = alarms.filter((a) => awaitsAcknowledgement(a.alert));
  for (const priority of ['high', 'medium', 'technical'] as const) {
    if (waiting.some((a) => a.priority === priority && a.condition === 'active')) return priority;
  }
  return waiting.some((a) => a.condition === 'latched') ? 'latched' : null;
}
