/**
 * The discharge signature's vocabulary, shared by the service (which validates and records it) and
 * the dashboard (which shows the same statement before the clinician signs). 21 CFR 11.50: a
 * signature shows the signer's printed name, the date and time, and the meaning of the signature.
 */

/** What a discharge signature may mean. A fixed list, so a signature's meaning can be read by anyone, and counted. */
export const SIGN_OFF_MEANINGS = {
  discharge_approved: 'Discharge approved — patient meets the discharge criteria',
  discharge_approved_override: 'Discharge approved with override — criteria not met, reason stated',
  left_against_advice: 'Patient left against medical advice — discharge recorded, not approved',
} as const;
export type SignOffMeaning = keyof typeof SIGN_OFF_MEANINGS;
export const SIGN_OFF_MEANING_CODES = Object.keys(SIGN_OFF_MEANINGS) as SignOffMeaning[];

/** The meanings that sign despite unmet criteria: they need an override reason, and only they take one. */
export const OVERRIDE_MEANINGS: readonly SignOffMeaning[] = ['discharge_approved_override', 'left_against_advice'];

/** A meaning code in words; an older signature's free-text meaning as it was written. */
export const meaningText = (meaning: string): string =>
  (SIGN_OFF_MEANINGS as Record<string, string>)[meaning] ?? meaning;

/** The discharge criteria's names as a nurse would say them (the service's codes are for machines). */
export const CRITERION_NAMES: Record<string, string> = {
  min_observation: 'Minimum observation time',
  vitals_near_baseline: 'Vital signs near baseline',
  spo2_ok: 'Oxygen saturation',
  alert_free: 'No open alerts',
  sedation_cleared: 'Sedation cleared (MOAA/S 5)',
  oriented_and_steady: 'Oriented and steady on feet',
  nausea_controlled: 'Nausea controlled',
  escort: 'Escort present',
  no_driving: 'No driving acknowledged',
  instructions_given: 'Discharge instructions given',
};

export const criterionName = (code: string): string => CRITERION_NAMES[code] ?? code;

/**
 * An override reason must be a sentence a colleague can check later: at least 20 characters and 4
 * words of letters. "ok", "n/a", "xxx" or "see notes" say nothing about why a patient went home
 * before the protocol's criteria were met, and an auditor could not tell a considered override from
 * a click-through. Returns what is wrong, or null.
 */
export const OVERRIDE_REASON_MIN_CHARS = 20;
export const OVERRIDE_REASON_MIN_WORDS = 4;
export function overrideReasonProblem(reason: string): string | null {
  const text = reason.trim();
  const words = text.match(/\p{L}{2,}/gu) ?? [];
  if (text.length < OVERRIDE_REASON_MIN_CHARS || words.length < OVERRIDE_REASON_MIN_WORDS) {
    return `The override reason must be a sentence: at least ${OVERRIDE_REASON_MIN_CHARS} characters and ${OVERRIDE_REASON_MIN_WORDS} words`;
  }
  if (new Set(words.map((w) => w.toLowerCase())).size < 3) {
    return 'The override reason must be a sentence, not one word repeated';
  }
  return null;
}

export interface StatementInput {
  signer: string;
  patientRef: string;
  /** ISO time of the signature. */
  signedAt: string;
  /** The site's IANA time zone; the time is also given in UTC. */
  timeZone: string;
  meaning: string;
  /** The criteria not met at signing, each with the service's words ("0 of 60 minutes observed …"). */
  unmet: { code: string; detail: string }[];
  overrideReason: string | null;
}

/** A time as the site reads it, with UTC in brackets: "30 Nov 2026, 14:05 Europe/London (14:05 UTC)". */
export function siteTime(iso: string, timeZone: string): string {
  const at = new Date(iso);
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  if (timeZone === 'UTC') return `${local} UTC`;
  const utc = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${local} ${timeZone} (${utc} UTC)`;
}

/**
 * The words a clinician signs: who, which patient, when, what the signature means, and — when a
 * criterion is not met — which ones, stated with what was actually observed, and the reason.
 */
export function signatureStatement(input: StatementInput): string {
  const parts = [
    `I, ${input.signer}, sign the discharge of patient ${input.patientRef} on ${siteTime(input.signedAt, input.timeZone)}.`,
    `Meaning: ${meaningText(input.meaning)}.`,
  ];
  if (input.unmet.length > 0) {
    parts.push(
      `Criteria not met at signing: ${input.unmet.map((c) => `${criterionName(c.code)} (${c.detail})`).join('; ')}.`,
    );
  } else {
    parts.push('Every discharge criterion was met at signing.');
  }
  if (input.overrideReason) parts.push(`Reason: ${input.overrideReason.trim()}`);
  return parts.join(' ');
}
