import { criterionName, type Readiness } from '#contracts';

/** Each criterion met or not, by icon and in words (never by colour alone), with the service's detail. */
export function ReadinessList({ readiness, onRefresh }: { readiness: Readiness | null; onRefresh: () => void }) {
  if (!readiness) return <p className="muted">Checking discharge readiness…</p>;
  return (
    <div className={`readiness ${readiness.ready ? 'is-ready' : 'not-ready'}`}>
      <p className="readiness-verdict" role="status">
        {readiness.ready
          ? 'Ready for discharge: every criterion is met.'
          : `Not ready for discharge: ${readiness.blockers.length} of ${readiness.criteria.length} criteria not met.`}{' '}
        <span className="muted">Recovery score {readiness.score}/10</span>{' '}
        {/* Asked again on every alert, phase change and recovery entry, and every 30 s for the clock. */}
        <button type="button" onClick={onRefresh}>
          Check again
        </button>
      </p>
      <ul className="criteria">
        {readiness.criteria.map((c) => (
          <li key={c.code} className={c.met ? 'met' : 'unmet'} data-criterion={c.code}>
            <span className="criterion-icon" aria-hidden="true">
              {c.met ? '✓' : '✗'}
            </span>
            <span className="criterion-name">{criterionName(c.code)}</span>
            <span className="criterion-state">{c.met ? 'met' : 'not met'}</span>
            <span className="criterion-detail">{c.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
