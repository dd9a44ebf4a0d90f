import type { ObservationView } from '#contracts';
import { formatClock } from '../format';

const NOT_ASSESSED = <span className="muted">—</span>;
const shown = (value: string | number | null) => (value === null ? NOT_ASSESSED : value);

/** Newest first; an item nobody assessed shows as “—”. */
export function ObservationList({ observations }: { observations: ObservationView[] }) {
  if (observations.length === 0) return <p className="muted">No recovery observation yet.</p>;
  return (
    <table className="observations">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">MOAA/S</th>
          <th scope="col">Oriented</th>
          <th scope="col">Gait</th>
          <th scope="col">Nausea</th>
          <th scope="col">Pain</th>
          <th scope="col">Notes</th>
          <th scope="col">Recorded by</th>
        </tr>
      </thead>
      <tbody>
        {/* Newest first: the latest one is the one readiness is judged on. */}
        {[...observations].reverse().map((o) => (
          <tr key={o.id}>
            <td>{formatClock(o.observedAt)}</td>
            <td>{shown(o.moaas)}</td>
            <td>{shown(o.oriented === null ? null : o.oriented ? 'yes' : 'no')}</td>
            <td>{shown(o.steadyGait === null ? null : o.steadyGait ? 'steady' : 'unsteady')}</td>
            <td>{shown(o.nausea)}</td>
            <td>{shown(o.pain)}</td>
            <td>{o.notes ?? ''}</td>
            <td>{o.recordedByName ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
