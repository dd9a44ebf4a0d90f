/**
 * REST responses of recovery and discharge (docs/api.md, "Recovery and discharge"): declared once,
 * built by the service (apps/api/src/discharge/session-story.ts) and read by the dashboard.
 */

export type Nausea = 'none' | 'mild' | 'moderate' | 'severe';

/** `POST /sessions/:id/recovery-observations`; an item not assessed is `null`. */
export interface ObservationView {
  id: string;
  observedAt: string;
  /** Modified Observer's Assessment of Alertness/Sedation: 5 responds readily to name, 0 does not respond. */
  moaas: number | null;
  oriented: boolean | null;
  steadyGait: boolean | null;
  nausea: Nausea | null;
  pain: number | null;
  notes: string | null;
  dissociation: Nausea | null;
  respiratoryDepression: boolean | null;
  recordedBy: string;
  /** In `GET /sessions/:id` only. */
  recordedByName?: string | null;
  recordedAt: string;
}

export interface Escort {
  name: string;
  relationship: string;
  phone: string;
}

/** What `PUT /sessions/:id/discharge-checklist` takes. */
export interface ChecklistInput {
  escort: Escort;
  escortPresentAt?: string;
  noDrivingAcknowledged: boolean;
  instructionsGiven: boolean;
  belongingsReturned: boolean;
  followUpAt?: string;
}

/** What `PUT /sessions/:id/discharge-checklist` answers. */
export interface ChecklistView extends Omit<ChecklistInput, 'escortPresentAt' | 'followUpAt'> {
  escortPresentAt: string | null;
  escortConfirmedBy: string | null;
  followUpAt: string | null;
  updatedBy: string;
  updatedAt: string;
}

/** `POST /sessions/:id/discharge-signoff`. */
export interface SignatureView {
  signedBy: { id: string; displayName: string };
  signedAt: string;
  /** A code of SIGN_OFF_MEANINGS (free text on older signatures); `meaningText` in words. */
  meaning: string;
  meaningText: string;
  /** The words the signer confirmed (null on older signatures). */
  statement: string | null;
  overrideReason: string | null;
  unmetCriteria: string[];
  recordHash: string;
}

/** `POST /sessions/:id/addenda`; `role` in `GET /sessions/:id`. */
export interface AddendumView {
  id: string;
  text: string;
  author: { id: string; displayName: string; role?: string };
  createdAt: string;
  textHash: string;
}

export interface Criterion {
  code: string;
  met: boolean;
  /** Plain words: "0 of 60 minutes observed since the end of the infusion". */
  detail: string;
}

/** `GET /sessions/:id/discharge-readiness`. */
export interface Readiness {
  ready: boolean;
  /** PADSS-style, 0–10, for display; readiness is decided by the criteria. */
  score: number;
  blockers: string[];
  criteria: Criterion[];
}
