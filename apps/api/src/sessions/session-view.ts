import type { Alert, SessionSummary, SessionView, VitalsEvent } from '#contracts';
import type { SessionState } from '../events/session-state.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The full session as REST returns it. */
export function toSessionView(session: SessionState): SessionView {
  return {
    id: session.id,
    siteId: session.siteId,
    patientRef: session.patientRef,
    chair: session.chair,
    deviceId: session.deviceId,
    protocolId: session.protocolId,
    weightKg: Number(session.weightKg),
    plannedDoseMgPerKg: Number(session.plannedDoseMgPerKg),
    seriesNumber: session.seriesNumber,
    consent: { obtainedAt: session.consentObtainedAt.toISOString(), witnessedBy: session.consentWitnessedBy },
    phase: session.phase,
    createdBy: session.createdBy,
    createdAt: session.createdAt.toISOString(),
    infusionStartedAt: iso(session.infusionStartedAt),
    infusionEndedAt: iso(session.infusionEndedAt),
    endedAt: iso(session.endedAt),
    abortReason: session.abortReason,
    infusionOverrideReason: session.infusionOverrideReason,
    baseline: session.baseline,
    updatedAt: session.updatedAt.toISOString(),
  };
}

export type { SessionView };

export function toSessionSummary(
  session: SessionState,
  latestVitals: VitalsEvent | null,
  openAlerts: Alert[],
): SessionSummary {
  return {
    id: session.id,
    siteId: session.siteId,
    patientRef: session.patientRef,
    chair: session.chair,
    deviceId: session.deviceId,
    protocolId: session.protocolId,
    phase: session.phase,
    createdAt: session.createdAt.toISOString(),
    infusionStartedAt: iso(session.infusionStartedAt),
    infusionEndedAt: iso(session.infusionEndedAt),
    endedAt: iso(session.endedAt),
    latestVitals,
    openAlerts,
  };
}
