import { formatAge, formatClock } from '../format';
import { useNow } from '../use-now';
import { useWard } from '../ward/ward-context';

/** A lost link must be impossible to miss: the values on screen have stopped being live. */
export function ConnectionBanner() {
  const { status, lostAt, snapshotAt } = useWard();
  const now = useNow();
  if (status === 'live') return null;
  if (status === 'connecting' && snapshotAt === null && lostAt === null) {
    return <div className="banner info">Connecting to the ward…</div>;
  }
  return (
    <div className="banner lost" role="alert">
      <strong>Connection lost</strong>
      {lostAt !== null && (
        <>
          {' '}
          at {formatClock(lostAt)} ({formatAge(now - lostAt)} ago)
        </>
      )}
      . Reconnecting… Values shown are <strong>not live</strong>; alarms raised meanwhile are not shown.
    </div>
  );
}
