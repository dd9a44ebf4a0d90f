import { type FormEvent, useState } from 'react';
import { ApiError, post } from '../api';
import { CRITERION_NAMES, type Readiness, type Signature } from './records';
import { problemWords, useSubmit } from './use-submit';

function signOffProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 401)
    return 'The password is not right. Enter your own password again to sign.';
  if (error instanceof ApiError && error.status === 429)
    return 'Too many wrong passwords. Wait a few minutes, then try again.';
  if (error instanceof ApiError && error.status === 422) {
    const details = error.body?.details as { criteria?: { code: string; detail: string }[] } | undefined;
    const unmet = (details?.criteria ?? []).map((c) => `${CRITERION_NAMES[c.code] ?? c.code} (${c.detail})`);
    return `Not signed: the patient is not ready for discharge${unmet.length ? ` — ${unmet.join('; ')}` : ''}. Give an override reason to sign anyway.`;
  }
  return problemWords(error);
}

/**
 * A clinician's signature: the password again (the signature means this person, now), what it means,
 * and, when a criterion is not met, why discharge is right anyway.
 */
export function SignOffForm(props: {
  sessionId: string;
  readiness: Readiness | null;
  onSigned: (signature: Signature) => void;
}) {
  const { sessionId, readiness, onSigned } = props;
  const [password, setPassword] = useState('');
  const [meaning, setMeaning] = useState('approved for discharge');
  const [overrideReason, setOverrideReason] = useState('');
  const { busy, problem, run } = useSubmit(signOffProblem);
  const override = readiness !== null && !readiness.ready;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const signed: { signature?: Signature } = {};
    await run(async () => {
      signed.signature = await post<Signature>(`/sessions/${sessionId}/discharge-signoff`, {
        password,
        meaning: meaning.trim(),
        ...(override ? { overrideReason: overrideReason.trim() } : {}),
      });
    });
    // The password is never kept longer than one attempt.
    setPassword('');
    if (signed.signature) onSigned(signed.signature);
  };

  return (
    <form className="discharge-form sign-off" aria-label="Discharge sign-off" onSubmit={(e) => void submit(e)}>
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
      <label>
        Meaning of the signature
        <input value={meaning} onChange={(e) => setMeaning(e.target.value)} required minLength={3} maxLength={200} />
      </label>
      {override && (
        <label className="wide">
          Override reason: the patient does not meet every criterion (kept with the signature)
          <textarea
            value={overrideReason}
            onChange={(e) => setOverrideReason(e.target.value)}
            required
            minLength={3}
            maxLength={1000}
          />
        </label>
      )}
      <button type="submit" className={override ? 'danger' : 'primary'} disabled={busy}>
        {override ? 'Sign off with override' : 'Sign off discharge'}
      </button>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
