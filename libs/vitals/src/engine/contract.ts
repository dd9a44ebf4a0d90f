import type { Alert } from '#contracts';
import type { AlertSnapshot } from './types.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The contract's `Alert` for an engine alert. The service supplies what the engine does not know:
 * the alert's UUID (mapped from the deterministic engine id), the session and the acknowledger's name.
 * Engine-only details (durationMs, reminders, upgradeTrigger) stay out of the contract shape; the
 * service may store them next to it.
 */
export function toContractAlert(
  alert: AlertSnapshot,
  context: { id: string; sessionId: string; acknowledgedBy?: { id: string; displayName: string } | null },
): Alert {
  return {
    id: context.id,
    sessionId: context.sessionId,
    kind: alert.kind,
    severity: alert.severity,
    state: alert.state,
    openedAt: iso(alert.openedAtMs)!,
    lastChangedAt: iso(alert.lastChangedAtMs)!,
    baseline: alert.baseline && { ...alert.baseline },
    trigger: { ...alert.trigger },
    peak: alert.peak && { ...alert.peak },
    acknowledgedBy: context.acknowledgedBy ?? null,
    acknowledgedAt: iso(alert.acknowledgedAtMs),
    escalatedAt: iso(alert.escalatedAtMs),
    clearedAt: iso(alert.clearedAtMs),
    resolvedAt: iso(alert.resolvedAtMs),
    message: alert.message,
  };
}
