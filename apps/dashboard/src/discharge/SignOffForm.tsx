import {
  criterionName,
  OVERRIDE_MEANINGS,
  overrideReasonProblem,
  type Readiness,
  SIGN_OFF_MEANING_CODES,
  SIGN_OFF_MEANINGS,
  signatureStatement,
  type SignatureView,
  type SignOffMeaning,
  type SiteView,
} from '#contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, get, post } from '../api';
import { signIn } from '../sign-in';
import { useNow } from '../use-now';
import { problemWords, useSubmit } from './use-submit';

function signOffProblem(error: unknown): string {
  if (!(error instanceof ApiError)) return problemWords(error);
  if (error.code === 'signature_password_wrong')
    return 'The password is not right. Enter your own password again to sign.';
  if (error.code === 'throttled') return 'Too many wrong passwords. Wait a few minutes, then try again.';
  if (error.code === 'alert_unacknowledged') {
    const alerts = (error.body?.details?.alerts ?? []) as { message: string }[];
    return `Not signed: a high alert has not been acknowledged — ${alerts.map((a) => a.message).join('; ')}. Acknowledge it in the alert list, then sign.`;
  }
  if (error.code === 'gate_not_met') {
    const details = error.body?.details as { criteria?: { code: string; detail: string }[] } | undefined;
    const unmet = (details?.criteria ?? []).map((c) => `${criterionName(c.code)} (${c.detail})`);
    return `Not signed: the patient is not ready for discharge${unmet.length ? ` — ${unmet.join('; ')}` : ''}. Sign with an override meaning and a reason to discharge anyway.`;
  }
  if (error.status === 400 || error.status === 409) return `Not signed: ${error.message}.`;
  return problemWords(error);
}

/** The meanings that fit the readiness shown: "approved" only when every criterion is met, an override only when not. */
function meaningsFor(readiness: Readiness | null): SignOffMeaning[] {
  if (!readiness) return SIGN_OFF_MEANING_CODES;
  return SIGN_OFF_MEANING_CODES.filter((m) =>
    readiness.ready ? m !== 'discharge_approved_override' : m !== 'discharge_approved',
  );
}

/** The site's time zone, for the statement's time as the record will print it. */
function useSiteZone(siteId: string): string {
  const [zone, setZone] = useState('UTC');
  useEffect(() => {
    get<SiteView[]>('/sites').then(
      (sites) => setZone(sites.find((s) => s.id === siteId)?.timezone ?? 'UTC'),
      () => undefined, // the statement then shows UTC; the service writes the site's zone
    );
  }, [siteId]);
  return zone;
}

/**
 * A clinician's signature (21 CFR 11.50): a meaning from the fixed list, the statement they are
 * signing shown in full — their name, the patient, the time, the meaning, what is not met and why —
 * confirmed, and the password again (the signature means this person, now).
 */
export function SignOffForm(props: {
  sessionId: string;
  siteId: string;
  patientRef: string;
  readiness: Readiness | null;
  onSigned: (signature: SignatureView) => void;
}) {
  const { sessionId, siteId, patientRef, readiness, onSigned } = props;
  const options = meaningsFor(readiness);
  const [chosen, setChosen] = useState<SignOffMeaning | ''>('');
  const meaning = chosen && options.includes(chosen) ? chosen : options[0]!;
  const [password, setPassword] = useState('');
  const [overrideReason, setOverrideReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const { busy, problem, run } = useSubmit(signOffProblem);
  const now = useNow();
  const zone = useSiteZone(siteId);
  const override = OVERRIDE_MEANINGS.includes(meaning);
  const reasonProblem = override && overrideReason.trim() ? overrideReasonProblem(overrideReason) : null;
  const statement = signatureStatement({
    signer: signIn.current()?.user.displayName ?? 'the signed-in clinician',
    patientRef,
    signedAt: new Date(now).toISOString(),
    timeZone: zone,
    meaning,
    unmet: readiness ? readiness.criteria.filter((c) => !c.met) : [],
    overrideReason: override ? overrideReason.trim() || '…' : null,
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const signed: { signature?: SignatureView } = {};
    await run(async () => {
      signed.signature = await post<SignatureView>(`/sessions/${sessionId}/discharge-signoff`, {
        password,
        meaning,
        ...(override ? { overrideReason: overrideReason.trim() } : {}),
      });
    });
    // The password is never kept longer than one attempt.
    setPassword('');
    if (signed.signature) onSigned(signed.signature);
  };

  return (
    <form className="discharge-form sign-off" aria-label="Discharge sign-off" onSubmit={(e) => void submit(e)}>
      <label className="wide">
        Meaning of the signature
        <select
          value={meaning}
          onChange={(e) => {
            setChosen(e.target.value as SignOffMeaning);
            setConfirmed(false);
          }}
        >
          {options.map((m) => (
            <option key={m} value={m}>
              {SIGN_OFF_MEANINGS[m]}
            </option>
          ))}
        </select>
      </label>
      {override && (
        <label className="wide">
          Reason (a sentence, kept with the signature and shown wherever it is)
          <textarea
            value={overrideReason}
            onChange={(e) => {
              setOverrideReason(e.target.value);
              setConfirmed(false);
            }}
            required
            maxLength={1000}
            aria-describedby="override-reason-rule"
            aria-invalid={reasonProblem !== null}
          />
          <span id="override-reason-rule" className={reasonProblem ? 'problem' : 'muted'}>
            {reasonProblem ??
              'At least 20 characters and 4 words: why discharge is right although criteria are not met.'}
          </span>
        </label>
      )}
      <figure className="statement wide" aria-labelledby="statement-title">
        <figcaption id="statement-title">You are signing this statement (the time is set when you sign):</figcaption>
        <blockquote data-testid="signature-statement">{statement}</blockquote>
      </figure>
      <label className="check wide">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} required />I have
        read this statement and sign it as my own
      </label>
      <label>
        Your password (to sign)
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <button
        type="submit"
        className={override ? 'danger' : 'primary'}
        disabled={busy || !confirmed || reasonProblem !== null}
      >
        {override ? 'Sign with override' : 'Sign off discharge'}
      </button>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
