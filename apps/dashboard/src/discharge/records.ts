/** REST shapes of recovery and discharge (apps/api/src/recovery: session-story.ts, recovery.dto.ts). */

export type Nausea = 'none' | 'mild' | 'moderate' | 'severe';

export interface Observation {
  id: string;
  observedAt: string;
  /** Modified Observer's Assessment of Alertness/Sedation: 5 responds readily to name, 0 does not respond. */
  moaas: number | null;
  oriented: boolean | null;
  steadyGait: boolean | null;
  nausea: Nausea | null;
  pain: number | null;
  notes: string | null;
  recordedBy: string;
  recordedByName?: string | null;
  recordedAt: string;
}

export interface Escort {
  name: string;
  relationship: string;
  phone: string;
}

/** What PUT /discharge-checklist takes. */
export interface ChecklistInput {
  escort: Escort;
  escortPresentAt?: string;
  noDrivingAcknowledged: boolean;
  instructionsGiven: boolean;
  belongingsReturned: boolean;
  followUpAt?: string;
}

export interface Checklist extends Omit<ChecklistInput, 'escortPresentAt' | 'followUpAt'> {
  escortPresentAt: string | null;
  followUpAt: string | null;
  updatedAt: string;
}

export interface Signature {
  signedBy: { id: string; displayName: string };
  signedAt: string;
  /** A code of SIGN_OFF_MEANINGS (free text on older signatures); `meaningText` in words. */
  meaning: string;
  meaningText?: string;
  /** The words the signer confirmed (absent on older signatures). */
  statement?: string | null;
  overrideReason: string | null;
  unmetCriteria: string[];
  recordHash: string;
}

export interface Addendum {
  id: string;
  text: string;
  author: { id: string; displayName: string; role?: string };
  createdAt: string;
  textHash: string;
}

/** The recovery part of GET /sessions/:id (the whole story of the session). */
export interface DischargeStory {
  phase: string;
  observations: Observation[];
  checklist: Checklist | null;
  signature: Signature | null;
  addenda: Addendum[];
}

export interface Criterion {
  code: string;
  met: boolean;
  /** Plain words: "0 of 60 minutes observed since the end of the infusion". */
  detail: string;
}

export interface Readiness {
  ready: boolean;
  /** PADSS-style, 0–10, for display; readiness is decided by the criteria. */
  score: number;
  blockers: string[];
  criteria: Criterion[];
}
