import type { Alert, AlertView } from '#contracts';
import type { AlertRow } from './alert.entity.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The contract's `Alert`, plus what the record shows about an episode (how long it lasted, notes). */
export function toAlertView(row: AlertRow, names: Map<string, string>): AlertView {
  const alert: Alert = {
    id: row.id,
    sessionId: row.sessionId,
    kind: row.kind,
    severity: row.severity,
    state: row.state,
    openedAt: row.openedAt.toISOString(),
    lastChangedAt: row.lastChangedAt.toISOString(),
    baseline: row.baseline,
    trigger: row.trigger,
    peak: row.peak,
    acknowledgedBy: row.acknowledgedBy
      ? { id: row.acknowledgedBy, displayName: names.get(row.acknowledgedBy) ?? 'unknown' }
      : null,
    acknowledgedAt: iso(row.acknowledgedAt),
    escalatedAt: iso(row.escalatedAt),
    clearedAt: iso(row.clearedAt),
    resolvedAt: iso(row.resolvedAt),
    message: row.message,
  };
  return {
    ...alert,
    acknowledgementNote: row.acknowledgementNote,
    upgradeTrigger: row.upgradeTrigger,
    endedAt: iso(row.endedAt),
    durationSeconds: row.durationMs === null ? null : Math.round(Number(row.durationMs) / 1000),
    remindedAt: iso(row.remindedAt),
    reminders: row.reminders,
  };
}

export type { AlertView };
