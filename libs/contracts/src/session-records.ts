/**
 * REST responses about sessions (docs/api.md, "Sessions", "Alerts"): declared once, built by the
 * service (apps/api/src/sessions/session-view.ts, alerts/alert-view.ts, discharge/session-story.ts,
 * series/patient-series.ts) and read by the dashboard. Times are ISO 8601 strings, as on the wire.
 */
import type { Alert } from './alerts.js';
import type { AddendumView, ChecklistView, Criterion, ObservationView, SignatureView } from './discharge-records.js';
import type { ProtocolView } from './admin.js';
import type { VitalsEvent } from './readings.js';
import type { Phase } from './sessions.js';

/** A session's baseline, frozen at infusion start: medians of the seated readings before dosing. */
export interface SessionBaseline {
  sbp: number | null;
  dbp: number | null;
  hr: number | null;
  spo2: number | null;
  /** Cuff readings (SBP and DBP both > 0) the BP median was taken from. */
  cuffReadings: number;
  /** Span of non-zero HR / SpO2 samples in the baseline phase, in seconds. */
  hrSeconds: number;
  spo2Seconds: number;
}

/** `Session` of docs/api.md: what the session routes answer. */
export interface SessionView {
  id: string;
  siteId: string;
  patientRef: string;
  chair: string;
  deviceId: string | null;
  protocolId: string;
  weightKg: number;
  plannedDoseMgPerKg: number;
  seriesNumber: number;
  consent: { obtainedAt: string; witnessedBy: string };
  phase: Phase;
  createdBy: string;
  createdAt: string;
  infusionStartedAt: string | null;
  infusionEndedAt: string | null;
  endedAt: string | null;
  abortReason: string | null;
  infusionOverrideReason: string | null;
  /** Frozen at infusion start; `null` before. */
  baseline: SessionBaseline | null;
  updatedAt: string;
}

/** Said when a session is one of the patient's first three infusions or an earlier one had a high `bp_rise`. */
export interface SeriesNote {
  infusion: number;
  firstThree: boolean;
  previousHighBpRise: number[];
  message: string;
}

/** `POST /sessions`. */
export interface CreatedSession extends SessionView {
  seriesNote: SeriesNote | null;
}

/** `GET /sessions/:id/readings`. */
export interface ReadingsPage {
  sessionId: string;
  total: number;
  downsampled: boolean;
  readings: VitalsEvent[];
}

/** `GET /sessions/:id/alerts`: the contract's `Alert` plus what the record shows about an episode. */
export interface AlertView extends Alert {
  acknowledgementNote: string | null;
  upgradeTrigger: Record<string, number | string | null> | null;
  endedAt: string | null;
  /** How long the condition lasted; `null` while it lasts. */
  durationSeconds: number | null;
  remindedAt: string | null;
  reminders: number;
}

/** The readings of a session at a glance (the printable record's header). */
export interface ReadingsSummary {
  readings: number;
  first: string | null;
  last: string | null;
  maxSbp: number | null;
  maxDbp: number | null;
  maxHr: number | null;
  minSpo2: number | null;
  minHr: number | null;
}

/**
 * `GET /sessions/:id`: the whole story of a session. `Rules` is the protocol's rules: the service
 * knows them whole (`ProtocolRules` of libs/vitals), the dashboard reads the parts it draws.
 */
export interface SessionRecord<Rules = Record<string, unknown>> extends SessionView {
  phases: { phase: Phase; at: string }[];
  readingsSummary: ReadingsSummary;
  alerts: AlertView[];
  observations: ObservationView[];
  protocol: Pick<ProtocolView<Rules>, 'name' | 'version' | 'route' | 'rules'> | null;
  site: { name: string; timezone: string } | null;
  checklist: (ChecklistView & { escortConfirmedByName: string | null }) | null;
  signature: (SignatureView & { atSigning: { score: number; criteria: Criterion[] } | null }) | null;
  addenda: AddendumView[];
}

/** A peak of one infusion of a series, against the session's baseline. */
export interface SeriesPeak {
  value: number;
  /** Peak minus the session's baseline; null without a baseline. */
  rise: number | null;
  risePct: number | null;
  /** Minutes after infusion start. */
  minutesAfterStart: number | null;
  at: string;
}

export interface SeriesInfusion {
  sessionId: string;
  /** 1…n in the order the infusions were given. */
  infusion: number;
  seriesNumber: number;
  phase: string;
  protocol: string;
  date: string;
  dose: { mgPerKg: number; mg: number; weightKg: number };
  baseline: { sbp: number | null; dbp: number | null; hr: number | null; spo2: number | null } | null;
  peak: { sbp: SeriesPeak | null; dbp: SeriesPeak | null; hr: SeriesPeak | null };
  /** `{ bp_rise: { high: 1, medium: 2 }, … }`. */
  alerts: Record<string, Record<string, number>>;
  highBpRise: boolean;
  /** Infusion end to discharge (sign-off), in minutes; null until discharged. */
  recoveryMinutes: number | null;
  overrides: { kind: 'infusion_start' | 'sign_off' | 'abort'; reason: string }[];
}

/** `GET /patients/:patientRef/series`. */
export interface PatientSeries {
  siteId: string;
  patientRef: string;
  infusions: SeriesInfusion[];
  nextNote: SeriesNote | null;
}
