import type { ChecklistInput, ChecklistView } from '#contracts';
import { type FormEvent, useState } from 'react';
import { put } from '../api';
import { formatDateTime } from '../format';
import { useSubmit } from './use-submit';

/** "2026-11-28" for a date input, in local time (the ISO string is UTC and may fall on another day). */
function localDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The discharge-escort checklist. "Escort present now" saves it with the time of confirmation: a
 * presence noted but not saved would be a presence nobody can see.
 */
export function ChecklistForm(props: { sessionId: string; saved: ChecklistView | null; onSaved: () => void }) {
  const { sessionId, saved, onSaved } = props;
  const [name, setName] = useState(saved?.escort.name ?? '');
  const [relationship, setRelationship] = useState(saved?.escort.relationship ?? '');
  const [phone, setPhone] = useState(saved?.escort.phone ?? '');
  const [noDriving, setNoDriving] = useState(saved?.noDrivingAcknowledged ?? false);
  const [instructions, setInstructions] = useState(saved?.instructionsGiven ?? false);
  const [belongings, setBelongings] = useState(saved?.belongingsReturned ?? false);
  const [followUp, setFollowUp] = useState(localDate(saved?.followUpAt ?? null));
  const { busy, problem, run } = useSubmit();
  const presentAt = saved?.escortPresentAt ?? null;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const escortPresentAt = submitter?.value === 'present' ? new Date().toISOString() : presentAt;
    const body: ChecklistInput = {
      escort: { name: name.trim(), relationship: relationship.trim(), phone: phone.trim() },
      ...(escortPresentAt ? { escortPresentAt } : {}),
      noDrivingAcknowledged: noDriving,
      instructionsGiven: instructions,
      belongingsReturned: belongings,
      // Midday local time, so the date reads the same in any time zone near the clinic's.
      ...(followUp ? { followUpAt: new Date(`${followUp}T12:00`).toISOString() } : {}),
    };
    if (await run(() => put(`/sessions/${sessionId}/discharge-checklist`, body))) onSaved();
  };

  return (
    <form className="discharge-form" aria-label="Discharge checklist" onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>Escort</legend>
        <label>
          Escort name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        </label>
        <label>
          Relationship
          <input
            value={relationship}
            onChange={(e) => setRelationship(e.target.value)}
            required
            maxLength={60}
            placeholder="sister"
          />
        </label>
        <label>
          Phone
          <input
            type="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            required
            pattern="\+?[0-9 \(\)\-]{6,24}"
            title="A telephone number: digits, spaces, brackets, dashes, an optional leading +"
          />
        </label>
        <p className="escort-present">
          {presentAt ? `Escort confirmed present at ${formatDateTime(presentAt)}` : 'Escort not yet confirmed present'}
        </p>
        <button type="submit" name="action" value="present" disabled={busy}>
          Escort present now
        </button>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={noDriving} onChange={(e) => setNoDriving(e.target.checked)} />
        No driving until the next day acknowledged
      </label>
      <label className="check">
        <input type="checkbox" checked={instructions} onChange={(e) => setInstructions(e.target.checked)} />
        Discharge instructions given
      </label>
      <label className="check">
        <input type="checkbox" checked={belongings} onChange={(e) => setBelongings(e.target.checked)} />
        Belongings returned
      </label>
      <label>
        Follow-up date
        <input type="date" value={followUp} onChange={(e) => setFollowUp(e.target.value)} />
      </label>
      <button type="submit" name="action" value="save" className="primary" disabled={busy}>
        Save checklist
      </button>
      {saved && <p className="muted">Last saved {formatDateTime(saved.updatedAt)}</p>}
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/** The checklist as it stands, once the record is locked. */
export function ChecklistSummary({ checklist }: { checklist: ChecklistView | null }) {
  if (!checklist) return <p className="muted">No discharge checklist was recorded.</p>;
  const yes = (v: boolean) => (v ? 'yes' : 'no');
  return (
    <dl className="checklist-summary">
      <dt>Escort</dt>
      <dd>
        {checklist.escort.name} ({checklist.escort.relationship}), {checklist.escort.phone}
      </dd>
      <dt>Escort present</dt>
      <dd>{checklist.escortPresentAt ? formatDateTime(checklist.escortPresentAt) : 'not confirmed'}</dd>
      <dt>No driving acknowledged</dt>
      <dd>{yes(checklist.noDrivingAcknowledged)}</dd>
      <dt>Instructions given</dt>
      <dd>{yes(checklist.instructionsGiven)}</dd>
      <dt>Belongings returned</dt>
      <dd>{yes(checklist.belongingsReturned)}</dd>
      <dt>Follow-up</dt>
      <dd>{checklist.followUpAt ? new Date(checklist.followUpAt).toLocaleDateString() : '—'}</dd>
    </dl>
  );
}
