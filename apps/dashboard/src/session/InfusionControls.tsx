import type { Role } from '#contracts';
import { useState } from 'react';
import { ApiError, post } from '../api';
import type { SessionRecord } from './records';

const BLOCKER_WORDS: Record<string, string> = {
  baseline_missing: 'The baseline is not complete yet: it needs two cuff readings and a minute of heart rate.',
  predose_bp_high: 'The baseline blood pressure is above the pre-dose limit.',
};

/** Start and end of the infusion. A refused start says why in words; a clinician may override with a reason. */
export function InfusionControls(props: { session: SessionRecord; role: Role; onChange: (s: SessionRecord) => void }) {
  const { session, role, onChange } = props;
  const [blockers, setBlockers] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const [busy, setBusy] = useState(false);

  const act = async (path: string, body: object) => {
    setBusy(true);
    setProblem(null);
    try {
      onChange(await post<SessionRecord>(`/sessions/${session.id}/${path}`, body));
      setBlockers([]);
      setConfirmingEnd(false);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'gate_not_met') {
        const details = error.body?.details as { blockers?: string[]; messages?: string[] } | undefined;
        const codes = details?.blockers ?? [];
        setBlockers(codes.map((code, i) => [BLOCKER_WORDS[code], details?.messages?.[i]].filter(Boolean).join(' ')));
      } else if (error instanceof ApiError && error.status === 409) {
        setProblem('The session has moved on in the meantime; the page now shows where it is.');
      } else {
        setProblem(error instanceof Error ? error.message : 'That did not work.');
      }
    }
    setBusy(false);
  };

  if (session.phase === 'baseline') {
    return (
      <div className="infusion-controls">
        <button type="button" className="primary" disabled={busy} onClick={() => void act('infusion-start', {})}>
          Start infusion
        </button>
        {blockers.length > 0 && (
          <div className="blockers" role="alert">
            <p>The infusion cannot start yet:</p>
            <ul>
              {blockers.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
            {role === 'clinician' ? (
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  void act('infusion-start', { overrideReason: reason.trim() });
                }}
              >
                <label>
                  Reason to start anyway (kept in the record)
                  <textarea
                    value={reason}
                    minLength={3}
                    maxLength={500}
                    required
                    onChange={(e) => setReason(e.target.value)}
                  />
                </label>
                <button type="submit" className="danger" disabled={busy || reason.trim().length < 3}>
                  Start anyway with this reason
                </button>
              </form>
            ) : (
              <p className="muted">A clinician can start it anyway, with a reason.</p>
            )}
          </div>
        )}
        {problem && <p className="problem">{problem}</p>}
      </div>
    );
  }
  if (session.phase === 'infusing') {
    return (
      <div className="infusion-controls">
        {confirmingEnd ? (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => void act('infusion-end', {})}>
              Confirm: end infusion now
            </button>
            <button type="button" onClick={() => setConfirmingEnd(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirmingEnd(true)}>
            End infusion
          </button>
        )}
        {problem && <p className="problem">{problem}</p>}
      </div>
    );
  }
  return null;
}
