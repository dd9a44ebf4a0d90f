import { type FormEvent, useState } from 'react';
import { post } from '../api';
import { formatDateTime } from '../format';
import { type AddendumView, criterionName, meaningText, type SignatureView } from '#contracts';
import { useSubmit } from './use-submit';

/** The signature as it stands on the record: who, when, what it means, any override, and the hash it covers. */
export function SignatureBlock({ signature }: { signature: SignatureView }) {
  return (
    <section className="signature-block" aria-labelledby="signature-title">
      <h3 id="signature-title">Discharge signed</h3>
      <dl>
        <dt>Signed by</dt>
        <dd className="signed-by">{signature.signedBy.displayName}</dd>
        <dt>Date and time</dt>
        <dd>{formatDateTime(signature.signedAt)}</dd>
        <dt>Meaning</dt>
        <dd>{signature.meaningText ?? meaningText(signature.meaning)}</dd>
        {signature.statement && (
          <>
            <dt>Statement signed</dt>
            <dd className="statement">{signature.statement}</dd>
          </>
        )}
        {signature.overrideReason && (
          <>
            <dt>Override reason</dt>
            <dd className="override">
              {signature.overrideReason}
              {signature.unmetCriteria.length > 0 &&
                ` (not met: ${signature.unmetCriteria.map(criterionName).join(', ')})`}
            </dd>
          </>
        )}
        <dt>Record hash</dt>
        <dd>
          <code className="hash">{signature.recordHash}</code>
        </dd>
      </dl>
      <p className="muted">The record is locked. Corrections and later facts go in a signed addendum.</p>
    </section>
  );
}

/** Addenda after the signature, oldest first, and the form for another. */
export function Addenda(props: { sessionId: string; addenda: AddendumView[]; onAdded: () => void }) {
  const { sessionId, addenda, onAdded } = props;
  const [text, setText] = useState('');
  const { busy, problem, run } = useSubmit();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => post(`/sessions/${sessionId}/addenda`, { text: text.trim() }))) {
      setText('');
      onAdded();
    }
  };

  return (
    <section aria-labelledby="addenda-title">
      <h3 id="addenda-title">Addenda</h3>
      {addenda.length === 0 ? (
        <p className="muted">No addendum.</p>
      ) : (
        <ul className="addenda">
          {addenda.map((a) => (
            <li key={a.id}>
              <span className="muted">
                {formatDateTime(a.createdAt)} · {a.author.displayName}
                {a.author.role ? ` (${a.author.role})` : ''}
              </span>
              <p>{a.text}</p>
            </li>
          ))}
        </ul>
      )}
      <form className="discharge-form" aria-label="Add addendum" onSubmit={(e) => void submit(e)}>
        <label className="wide">
          AddendumView (signed with your name and the time)
          <textarea value={text} onChange={(e) => setText(e.target.value)} required maxLength={5000} />
        </label>
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          Add addendum
        </button>
        {problem && (
          <p className="problem" role="alert">
            {problem}
          </p>
        )}
      </form>
    </section>
  );
}
