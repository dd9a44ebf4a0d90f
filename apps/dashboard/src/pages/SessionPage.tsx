import { get } from '../api';
import { BloodPressureReadout, VitalReadout } from '../components/VitalReadout';
import { PHASE_NAMES, phaseStart } from '../components/SessionTile';
import { DischargeSection } from '../discharge/DischargeSection';
import { formatElapsed } from '../format';
import { Link } from '../router';
import { SeriesLink } from '../series/SeriesLink';
import { AlertList } from '../session/AlertList';
import { InfusionControls } from '../session/InfusionControls';
import { TrendCharts } from '../session/TrendCharts';
import type { SessionRecord } from '../session/records';
import { useSessionRecord } from '../session/use-session-record';
import { signIn } from '../sign-in';
import { useNow } from '../use-now';
import { useWard } from '../ward/ward-context';

export function SessionPage({ sessionId }: { sessionId: string }) {
  const record = useSessionRecord(sessionId);
  const { board, status } = useWard();
  const now = useNow();
  const tile = board.get(sessionId);
  const role = signIn.current()?.user.role ?? 'nurse';
  const { session, problem } = record;

  if (problem && !session) {
    return (
      <section className="page-note">
        <p className="problem">{problem}</p>
        <Link to="/">Back to the ward board</Link>
      </section>
    );
  }
  if (!session) return <p className="muted page-note">Loading the session…</p>;
  // The board hears phase changes first; the record follows with its next load.
  const summary = tile?.session ?? session;
  const baseline = session.baseline;
  return (
    <article className="session-page" aria-labelledby="session-title">
      <div className="session-head">
        <Link to="/" className="back">
          ← Ward board
        </Link>
        <h1 id="session-title">
          {session.chair} <span className="muted">· {session.patientRef}</span>
        </h1>
        <span className={`phase phase-${summary.phase}`}>
          {PHASE_NAMES[summary.phase]} {formatElapsed(now - Date.parse(phaseStart(summary)))}
        </span>
        {baseline && (
          <span className="muted">
            Baseline BP {baseline.sbp ?? '—'}/{baseline.dbp ?? '—'} · HR {baseline.hr ?? '—'} · SpO2{' '}
            {baseline.spo2 ?? '—'}
          </span>
        )}
        <SeriesLink session={session} />
        {session.infusionOverrideReason && (
          <span className="override">Started despite a gate: {session.infusionOverrideReason}</span>
        )}
      </div>
      <div className="session-grid">
        <section aria-label="Trend" className="trend-panel">
          {tile && (
            <div className="vitals wide">
              <VitalReadout
                label="HR"
                unit="/min"
                vital="hr"
                track={tile.vitals.hr}
                now={now}
                live={status === 'live'}
              />
              <BloodPressureReadout sbp={tile.vitals.sbp} dbp={tile.vitals.dbp} now={now} live={status === 'live'} />
              <VitalReadout
                label="SpO2"
                unit="%"
                vital="spo2"
                track={tile.vitals.spo2}
                now={now}
                live={status === 'live'}
              />
            </div>
          )}
          <TrendCharts readings={record.readings} alerts={record.alerts} baseline={baseline} rules={record.rules} />
          {record.downsampled && <p className="muted">Older readings are thinned out for the chart; peaks are kept.</p>}
        </section>
        <aside className="side">
          <InfusionControls session={{ ...session, phase: summary.phase }} role={role} onChange={record.setSession} />
          <h2>Alerts</h2>
          <AlertList alerts={record.alerts} onChange={record.reloadAlerts} />
        </aside>
      </div>
      <DischargeSection
        sessionId={session.id}
        siteId={session.siteId}
        patientRef={session.patientRef}
        phase={summary.phase}
        role={role}
        // Signed means discharged: the header's phase follows at once rather than with the socket.
        onSigned={() => void get<SessionRecord>(`/sessions/${session.id}`).then(record.setSession, () => undefined)}
      />
    </article>
  );
}
