import { formatClock } from '../format';
import type { Observation } from './records';

export function ObservationList({ observations }: { observations: Observation[] }) {
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
        </tr>
      </thead>
      <tbody>
        {/* Newest first: the latest one is the one readiness is judged on. */}
        {[...observations].reverse().map((o) => (
          <tr key={o.id}>
            <td>{formatClock(o.observedAt)}</td>
            <td>{o.moaas}</td>
            <td>{o.oriented ? 'yes' : 'no'}</td>
            <td>{o.steadyGait ? 'steady' : 'unsteady'}</td>
            <td>{o.nausea}</td>
            <td>{o.pain}</td>
            <td>{o.notes ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
