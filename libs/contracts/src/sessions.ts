import type { VitalsEvent } from './readings.js';
import type { Alert } from './alerts.js';

export const PHASES = ['baseline', 'infusing', 'recovery', 'discharged', 'aborted'] as const;
export type Phase = (typeof PHASES)[number];
export const OPEN_PHASES: readonly Phase[] = ['baseline', 'infusing', 'recovery'];

export const ROLES = ['nurse', 'clinician', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionSummary {
  id: string;
  siteId: string;
  patientRef: string;
  chair: string;
  deviceId: string | null;
  protocolId: string;
  phase: Phase;
  createdAt: string;
  infusionStartedAt: string | null;
  infusionEndedAt: string | null;
  endedAt: string | null;
  latestVitals: VitalsEvent | null;
  openAlerts: Alert[];
}
