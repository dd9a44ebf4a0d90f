/**
 * The esketamine REMS Patient Monitoring Form, filled from the session's record (pure). The form
 * asks for the blood pressure before the dose, about 40 minutes after it and at the end of
 * observation; whether sedation, dissociation and respiratory depression occurred; how long the
 * patient was monitored and when they were ready to leave. What the record cannot answer is listed
 * in words, so the form is never silently incomplete.
 */

export interface CuffReading {
  at: Date;
  sbp: number;
  dbp: number;
}

export interface RemsObservation {
  observedAt: string;
  moaas: number | null;
  dissociation: string | null;
  respiratoryDepression: boolean | null;
}

export interface RemsInput {
  session: {
    id: string;
    patientRef: string;
    chair: string;
    phase: string;
    weightKg: number;
    plannedDoseMgPerKg: number;
    infusionStartedAt: string | null;
    infusionEndedAt: string | null;
    endedAt: string | null;
  };
  protocol: { key: string; version: number; name: string; minObservationMinutes: number };
  site: { name: string };
  cuffReadings: CuffReading[];
  observations: RemsObservation[];
  signature: { signedByName: string; signedAt: string; overrideReason: string | null } | null;
}

export interface RemsBp {
  sbp: number;
  dbp: number;
  at: string;
  minutesAfterDose: number | null;
}

export interface RemsForm {
  sessionId: string;
  patientRef: string;
  site: string;
  protocol: string;
  dose: { mgPerKg: number; mg: number; administeredAt: string | null };
  bloodPressure: { beforeDose: RemsBp | null; about40Minutes: RemsBp | null; endOfObservation: RemsBp | null };
  assessments: {
    sedation: 'yes' | 'no' | null;
    lowestMoaas: number | null;
    dissociation: 'yes' | 'no' | null;
    worstDissociation: string | null;
    respiratoryDepression: 'yes' | 'no' | null;
    observations: number;
  };
  minutesMonitored: number | null;
  minimumMinutes: number;
  readyToLeaveAt: string | null;
  signedBy: string | null;
  complete: boolean;
  missing: string[];
}

/** Cuff readings within this many minutes of 40 min after the dose count as "about 40 minutes". */
export const AROUND_40_MINUTES = 10;
const DISSOCIATION_ORDER = ['none', 'mild', 'moderate', 'severe'];

const minutesBetween = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 60_000);

export function remsForm(input: RemsInput): RemsForm {
  const { session, protocol } = input;
  const dose = session.infusionStartedAt ? new Date(session.infusionStartedAt) : null;
  const end = input.signature ? new Date(input.signature.signedAt) : session.endedAt ? new Date(session.endedAt) : null;
  const bp = (r: CuffReading | undefined): RemsBp | null =>
    r
      ? { sbp: r.sbp, dbp: r.dbp, at: r.at.toISOString(), minutesAfterDose: dose ? minutesBetween(dose, r.at) : null }
      : null;
  const readings = [...input.cuffReadings].sort((a, b) => a.at.getTime() - b.at.getTime());
  const before = dose ? readings.filter((r) => r.at <= dose).at(-1) : undefined;
  const target = dose ? dose.getTime() + 40 * 60_000 : null;
  const around40 =
    target === null
      ? undefined
      : readings
          .filter((r) => Math.abs(r.at.getTime() - target) <= AROUND_40_MINUTES * 60_000)
          .sort((a, b) => Math.abs(a.at.getTime() - target) - Math.abs(b.at.getTime() - target))[0];
  const atEnd = end && dose ? readings.filter((r) => r.at > dose && r.at <= end && r !== around40).at(-1) : undefined;

  const obs = input.observations;
  const moaasScores = obs.map((o) => o.moaas).filter((m): m is number => m !== null);
  const lowestMoaas = moaasScores.length > 0 ? Math.min(...moaasScores) : null;
  const dissociations = obs.map((o) => o.dissociation).filter((d): d is string => d !== null);
  const worst = dissociations.sort((a, b) => DISSOCIATION_ORDER.indexOf(b) - DISSOCIATION_ORDER.indexOf(a))[0] ?? null;
  const respiratory = obs.map((o) => o.respiratoryDepression).filter((r): r is boolean => r !== null);

  const minutesMonitored = dose && end ? minutesBetween(dose, end) : null;
  const missing: string[] = [];
  if (!dose) missing.push('the time of the dose (the dose was not given)');
  if (!before) missing.push('the blood pressure before the dose');
  if (dose && !around40)
    missing.push(
      `the blood pressure about 40 minutes after the dose (none between ${40 - AROUND_40_MINUTES} and ${40 + AROUND_40_MINUTES} minutes)`,
    );
  if (!end) missing.push('the end of observation (no clinician has signed the patient ready to leave)');
  else if (!atEnd) missing.push('the blood pressure at the end of observation');
  if (lowestMoaas === null) missing.push('the sedation assessment (no MOAA/S recorded)');
  if (dissociations.length === 0) missing.push('the dissociation assessment');
  if (respiratory.length === 0) missing.push('the respiratory depression assessment');
  if (minutesMonitored !== null && minutesMonitored < protocol.minObservationMinutes)
    missing.push(
      `monitoring for at least ${protocol.minObservationMinutes} minutes after the dose (${minutesMonitored} minutes recorded)`,
    );

  return {
    sessionId: session.id,
    patientRef: session.patientRef,
    site: input.site.name,
    protocol: `${protocol.name} (${protocol.key} v${protocol.version})`,
    dose: {
      mgPerKg: session.plannedDoseMgPerKg,
      mg: Math.round(session.plannedDoseMgPerKg * session.weightKg * 10) / 10,
      administeredAt: session.infusionStartedAt,
    },
    bloodPressure: { beforeDose: bp(before), about40Minutes: bp(around40), endOfObservation: bp(atEnd) },
    assessments: {
      sedation: lowestMoaas === null ? null : lowestMoaas < 5 ? 'yes' : 'no',
      lowestMoaas,
      dissociation: dissociations.length === 0 ? null : worst !== 'none' ? 'yes' : 'no',
      worstDissociation: worst,
      respiratoryDepression: respiratory.length === 0 ? null : respiratory.some(Boolean) ? 'yes' : 'no',
      observations: obs.length,
    },
    minutesMonitored,
    minimumMinutes: protocol.minObservationMinutes,
    readyToLeaveAt: input.signature?.signedAt ?? null,
    signedBy: input.signature?.signedByName ?? null,
    complete: missing.length === 0,
    missing,
  };
}
