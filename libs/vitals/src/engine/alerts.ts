import type { AlertKind, AlertSeverity } from '#contracts';
import type { ProtocolRules } from '../protocol.js';
import type { AlertEvent, AlertEventType, AlertSnapshot, AlertValues, BaselineValues } from './types.js';

/**
 * The life of one alert (CLINICAL.md "Episodes and alert states"):
 *   active ──ack──▶ acknowledged ──condition ends──▶ resolved
 *   active ──condition ends──▶ resolved (medium/low) | cleared (high: latched) ──ack──▶ resolved
 * Plus escalation (high, unacknowledged 120 s after it became high) and reminders (acknowledged and
 * still present, every 3 min). Every change returns an event carrying a copy of the alert.
 */
export interface OpenAlert {
  alert: AlertSnapshot;
  /** True while the episode's condition lasts; false once it ended (a latched `cleared` alert). */
  episodeOpen: boolean;
  nextReminderAtMs: number | null;
}

export function copyAlert(a: AlertSnapshot): AlertSnapshot {
  return {
    ...a,
    baseline: a.baseline && { ...a.baseline },
    trigger: { ...a.trigger },
    upgradeTrigger: a.upgradeTrigger && { ...a.upgradeTrigger },
    peak: a.peak && { ...a.peak },
  };
}

/**
 * Records a change. Times never run backwards within one alert: a reading recorded slightly before
 * a tick that already moved the clock is stamped no earlier than the alert's last change.
 */
function change(
  open: OpenAlert,
  type: AlertEventType,
  atMs: number,
  apply: (a: AlertSnapshot, at: number) => void,
): AlertEvent {
  const at = Math.max(atMs, open.alert.lastChangedAtMs);
  apply(open.alert, at);
  open.alert.lastChangedAtMs = at;
  return { type, atMs: at, alert: copyAlert(open.alert) };
}

export function openAlert(
  kind: AlertKind,
  severity: AlertSeverity,
  atMs: number,
  baseline: BaselineValues | null,
  trigger: AlertValues,
  message: string,
  peak: AlertValues | null,
): { open: OpenAlert; event: AlertEvent } {
  const alert: AlertSnapshot = {
    id: `${kind}:${atMs}`,
    kind,
    severity,
    state: 'active',
    openedAtMs: atMs,
    lastChangedAtMs: atMs,
    highSinceMs: severity === 'high' ? atMs : null,
    baseline: baseline && { ...baseline },
    trigger: { ...trigger },
    upgradeTrigger: null,
    peak: peak && { ...peak },
    acknowledgedBy: null,
    acknowledgedNote: null,
    acknowledgedAtMs: null,
    escalatedAtMs: null,
    remindedAtMs: null,
    reminders: 0,
    endedAtMs: null,
    durationMs: null,
    clearedAtMs: null,
    resolvedAtMs: null,
    message,
  };
  const open: OpenAlert = { alert, episodeOpen: true, nextReminderAtMs: null };
  return { open, event: { type: 'opened', atMs, alert: copyAlert(alert) } };
}

/**
 * Medium → high in place. An acknowledgement was given for the medium alert; the worse condition
 * must be seen again, so the alert goes back to `active` and its escalation clock starts now.
 */
export function upgrade(
  open: OpenAlert,
  atMs: number,
  trigger: AlertValues,
  message: string,
  peak: AlertValues | null,
): AlertEvent {
  open.nextReminderAtMs = null;
  return change(open, 'upgraded', atMs, (a, at) => {
    Object.assign(a, { severity: 'high', state: 'active', highSinceMs: at, upgradeTrigger: { ...trigger }, message });
    Object.assign(a, { acknowledgedBy: null, acknowledgedNote: null, acknowledgedAtMs: null, peak });
  });
}

export function updatePeak(open: OpenAlert, atMs: number, peak: AlertValues): AlertEvent {
  return change(open, 'peak', atMs, (a) => (a.peak = peak));
}

/** The condition is back inside the medium limit (detected at `atMs`, inside since `endedAtMs`). */
export function endEpisode(open: OpenAlert, atMs: number, endedAtMs: number): AlertEvent {
  open.episodeOpen = false;
  open.nextReminderAtMs = null;
  const latch = open.alert.severity === 'high' && open.alert.state === 'active';
  return change(open, latch ? 'cleared' : 'resolved', atMs, (a, at) => {
    a.endedAtMs = Math.max(endedAtMs, a.openedAtMs);
    a.durationMs = a.endedAtMs - a.openedAtMs;
    if (latch) {
      a.state = 'cleared';
      a.clearedAtMs = at;
    } else {
      a.state = 'resolved';
      a.resolvedAtMs = at;
    }
  });
}

/** A nurse's or clinician's acknowledgement. Null when there is nothing to acknowledge. */
export function acknowledge(
  open: OpenAlert,
  atMs: number,
  actorId: string,
  note: string | null,
  rules: ProtocolRules,
): AlertEvent | null {
  const { state } = open.alert;
  if (state !== 'active' && state !== 'cleared') return null;
  const ack = (a: AlertSnapshot, at: number) =>
    Object.assign(a, { acknowledgedBy: actorId, acknowledgedNote: note, acknowledgedAtMs: at });
  if (state === 'cleared') {
    return change(open, 'resolved', atMs, (a, at) => {
      ack(a, at);
      Object.assign(a, { state: 'resolved', resolvedAtMs: at });
    });
  }
  const event = change(open, 'acknowledged', atMs, (a, at) => {
    ack(a, at);
    a.state = 'acknowledged';
  });
  open.nextReminderAtMs = event.atMs + rules.escalation.reminderSeconds * 1000;
  return event;
}

/**
 * Escalations and reminders that fell due before `clockMs`. Stamped with the moment they fell due,
 * not with the time of the call, so the result does not depend on how often the service ticks.
 * "Due" means the clock went strictly past it: an acknowledgement at exactly 120 s is in time.
 */
export function dueTimers(open: OpenAlert, clockMs: number, rules: ProtocolRules): AlertEvent[] {
  const events: AlertEvent[] = [];
  const a = open.alert;
  const escalateAt = a.highSinceMs === null ? null : a.highSinceMs + rules.escalation.highUnacknowledgedSeconds * 1000;
  const unacknowledged = a.state === 'active' || a.state === 'cleared';
  if (
    a.severity === 'high' &&
    unacknowledged &&
    a.escalatedAtMs === null &&
    escalateAt !== null &&
    clockMs > escalateAt
  ) {
    events.push(change(open, 'escalated', escalateAt, (x, at) => (x.escalatedAtMs = at)));
  }
  // At least a second apart, so a mistyped 0 cannot spin this loop forever.
  const every = Math.max(1000, rules.escalation.reminderSeconds * 1000);
  while (a.state === 'acknowledged' && open.nextReminderAtMs !== null && clockMs > open.nextReminderAtMs) {
    const due = open.nextReminderAtMs;
    events.push(
      change(open, 'reminded', due, (x, at) => Object.assign(x, { remindedAtMs: at, reminders: x.reminders + 1 })),
    );
    open.nextReminderAtMs = due + every;
  }
  return events;
}
