import type { Alert } from '#contracts';

/**
 * What an alert asks of the nurse, most urgent first. A high alert that nobody has acknowledged
 * sounds and flashes, even after its condition ended (`cleared` latches until acknowledged).
 */
export type AlarmLevel = 'high-unacknowledged' | 'high' | 'medium-unacknowledged' | 'medium' | 'low';

const ORDER: AlarmLevel[] = ['high-unacknowledged', 'high', 'medium-unacknowledged', 'medium', 'low'];

export const awaitsAcknowledgement = (alert: Alert): boolean => alert.state === 'active' || alert.state === 'cleared';

/** A high alert nobody has acknowledged: it sounds and flashes. */
export const isSounding = (alert: Alert): boolean => alert.severity === 'high' && awaitsAcknowledgement(alert);

export function alarmLevel(alert: Alert): AlarmLevel {
  const waiting = awaitsAcknowledgement(alert);
  if (alert.severity === 'high') return waiting ? 'high-unacknowledged' : 'high';
  if (alert.severity === 'medium') return waiting ? 'medium-unacknowledged' : 'medium';
  return 'low';
}

/** The alert a tile leads with. */
export function mostUrgent(alerts: Alert[]): Alert | null {
  let best: Alert | null = null;
  for (const alert of alerts) {
    if (!best || ORDER.indexOf(alarmLevel(alert)) < ORDER.indexOf(alarmLevel(best))) best = alert;
  }
  return best;
}

/** The alert in words, as a tile shows it: "HIGH · SBP 190 ≥ 180". */
export function alertHeadline(alert: Alert): string {
  return `${alert.severity.toUpperCase()} · ${alert.message}`;
}

/** Escalated and still waiting: the clinicians are being called too. */
export const isEscalated = (alert: Alert): boolean => Boolean(alert.escalatedAt) && awaitsAcknowledgement(alert);

export function alertStatus(alert: Alert): string {
  switch (alert.state) {
    case 'active':
      return 'not acknowledged';
    case 'cleared':
      return 'condition ended · not acknowledged';
    case 'acknowledged':
      return alert.acknowledgedBy ? `acknowledged by ${alert.acknowledgedBy.displayName}` : 'acknowledged';
    case 'resolved':
      return 'resolved';
  }
}

export const KIND_NAMES: Record<string, string> = {
  bp_rise: 'Blood pressure rise',
  hr_rise: 'Heart rate rise',
  spo2_low: 'Low SpO2',
  hr_low: 'Low heart rate',
  signal_lost: 'Signal lost',
  hr_signal_lost: 'No heart rate signal',
  spo2_signal_lost: 'No SpO2 signal',
  bp_overdue: 'Cuff reading overdue',
};
