import { useEffect, useState } from 'react';
import { get } from '../api';
import { Link } from '../router';
import { KIND_NAMES } from '../ward/alarm-level';
import { SeriesChart } from './SeriesChart';
import type { PatientSeries, SeriesInfusion, SeriesPeak } from '#contracts';
import { seriesPath } from './series-types';

const peakText = (p: SeriesPeak | null) =>
  p
    ? `${p.value}${p.rise === null ? '' : ` (${p.rise >= 0 ? '+' : ''}${p.rise})`}${p.minutesAfterStart === null ? '' : ` at ${p.minutesAfterStart} min`}`
    : '—';

const alertText = (alerts: SeriesInfusion['alerts']) =>
  Object.entries(alerts)
    .map(
      ([kind, bySeverity]) =>
        `${KIND_NAMES[kind] ?? kind}: ${Object.entries(bySeverity)
          .map(([severity, n]) => `${n} ${severity}`)
          .join(', ')}`,
    )
    .join('; ') || 'none';

/** A patient's infusions 1…n: the response to each, side by side. */
export function PatientSeriesPage({ patientRef, siteId }: { patientRef: string; siteId: string }) {
  const [series, setSeries] = useState<PatientSeries | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    get<PatientSeries>(seriesPath(siteId, patientRef)).then(setSeries, (error: Error) => setProblem(error.message));
  }, [siteId, patientRef]);

  if (problem) return <p className="problem page-note">{problem}</p>;
  if (!series) return <p className="muted page-note">Loading the series…</p>;
  return (
    <article className="series-page" aria-labelledby="series-title">
      <div className="session-head">
        <Link to="/" className="back">
          ← Ward board
        </Link>
        <h1 id="series-title">
          Patient {series.patientRef} <span className="muted">· {series.infusions.length} infusions</span>
        </h1>
      </div>
      {series.nextNote && (
        <p className="series-note" role="note">
          Next session: {series.nextNote.message}
        </p>
      )}
      {series.infusions.length > 0 && <SeriesChart infusions={series.infusions} />}
      <table className="series-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Date</th>
            <th>Dose</th>
            <th>Baseline</th>
            <th>Peak SBP</th>
            <th>Peak DBP</th>
            <th>Peak HR</th>
            <th>Alerts</th>
            <th>Recovery</th>
            <th>Overrides</th>
          </tr>
        </thead>
        <tbody>
          {series.infusions.map((i) => (
            <tr key={i.sessionId} data-infusion={i.infusion} className={i.highBpRise ? 'high-rise' : undefined}>
              <td>
                <Link to={`/sessions/${i.sessionId}`}>{i.infusion}</Link>
              </td>
              <td>{new Date(i.date).toLocaleDateString()}</td>
              <td>
                {i.dose.mgPerKg} mg/kg · {i.dose.mg} mg
              </td>
              <td>
                {i.baseline ? `${i.baseline.sbp ?? '—'}/${i.baseline.dbp ?? '—'} · HR ${i.baseline.hr ?? '—'}` : '—'}
              </td>
              <td>{peakText(i.peak.sbp)}</td>
              <td>{peakText(i.peak.dbp)}</td>
              <td>{peakText(i.peak.hr)}</td>
              <td>{alertText(i.alerts)}</td>
              <td>{i.recoveryMinutes === null ? i.phase : `${i.recoveryMinutes} min`}</td>
              <td>{i.overrides.map((o) => `${o.kind.replace('_', ' ')}: ${o.reason}`).join('; ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {series.infusions.length === 0 && <p className="muted">No infusion given yet.</p>}
    </article>
  );
}
