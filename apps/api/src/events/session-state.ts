import type { Phase } from '#contracts';
import type { Baseline } from '#vitals';

/**
 * A session as it stands after a change: its columns as plain data, without the ORM's relations.
 * The `session.changed` event carries this, so that whoever listens (ingest, alerts, the ward,
 * the cluster relay) needs nothing from sessions/ to hear it. sessions/session.entity.ts implements it.
 */
export interface SessionState {
  id: string;
  siteId: string;
  deviceId: string;
  protocolId: string;
  patientRef: string;
  chair: string;
  weightKg: string;
  plannedDoseMgPerKg: string;
  seriesNumber: number;
  consentObtainedAt: Date;
  consentWitnessedBy: string;
  phase: Phase;
  createdBy: string;
  infusionStartedAt: Date | null;
  infusionEndedAt: Date | null;
  endedAt: Date | null;
  abortReason: string | null;
  infusionOverrideReason: string | null;
  baseline: Baseline | null;
  createdAt: Date;
  updatedAt: Date;
}
