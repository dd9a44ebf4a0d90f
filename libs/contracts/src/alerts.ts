export const ALERT_KINDS = [
  'bp_rise',
  'hr_rise',
  'spo2_low',
  'hr_low',
  'signal_lost',
  'hr_signal_lost',
  'spo2_signal_lost',
  'bp_overdue',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'low' | 'medium' | 'high';
export type AlertState = 'active' | 'acknowledged' | 'cleared' | 'resolved';

export interface Alert {
  id: string;
  sessionId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  openedAt: string;
  lastChangedAt: string;
  baseline: Record<string, number | null> | null;
  trigger: Record<string, number | string | null> | null;
  peak: Record<string, number | string | null> | null;
  acknowledgedBy?: { id: string; displayName: string } | null;
  acknowledgedAt?: string | null;
  escalatedAt?: string | null;
  clearedAt?: string | null;
  resolvedAt?: string | null;
  message: string;
}
