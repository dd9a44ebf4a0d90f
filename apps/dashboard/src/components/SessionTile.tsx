import type { SessionSummary } from '#contracts';
import { formatElapsed } from '../format';
import { Link } from '../router';
import { alarmLevel, alertHeadline, alertStatus, isEscalated, mostUrgent } from '../ward/alarm-level';
import { openAlerts, type Tile } from '../ward/board';
import { BloodPressureReadout, VitalReadout } from './VitalReadout';

export const PHASE_NAMES: Record<SessionSummary['phase'], string> = {
  baseline: 'Baseline',
  infusing: 'Infusing',
  recovery: 'Recovery',
  discharged: 'Discharged',
  aborted: 'Aborted',
};

/** When the current phase began: the clock a nurse reads ("infusing for 12 min"). */
export function phaseStart(
  session: Pick<SessionSummary, 'phase' | 'createdAt' | 'infusionStartedAt' | 'infusionEndedAt'>,
): string {
  if (session.phase === 'infusing') return session.infusionStartedAt ?? session.createdAt;
  if (session.phase === 'recovery') return session.infusionEndedAt ?? session.createdAt;
  return session.createdAt;
}

export function SessionTile({ tile, now, live }: { tile: Tile; now: number; live: boolean }) {
  const { session, vitals } = tile;
  const alerts = openAlerts(tile);
  const lead = mostUrgent(alerts);
  const level = lead ? alarmLevel(lead) : 'none';
  const others = alerts.length - 1;
  return (
    <Link to={`/sessions/${session.id}`} className={`tile alarm-${level}`} data-session-id={session.id}>
      <div className="tile-head">
        <span className="chair">{session.chair}</span>
        <span className={`phase phase-${session.phase}`}>
          {PHASE_NAMES[session.phase]} {formatElapsed(now - Date.parse(phaseStart(session)))}
        </span>
      </div>
      <div className="patient">{session.patientRef}</div>
      <div className="vitals">
        <VitalReadout label="HR" unit="/min" vital="hr" track={vitals.hr} now={now} live={live} />
        <BloodPressureReadout sbp={vitals.sbp} dbp={vitals.dbp} now={now} live={live} />
        <VitalReadout label="SpO2" unit="%" vital="spo2" track={vitals.spo2} now={now} live={live} />
      </div>
      {lead ? (
        <div className={`tile-alert alarm-${level}`}>
          <span className="headline">
            {isEscalated(lead) && <span className="escalated">ESCALATED</span>}
            {alertHeadline(lead)}
          </span>
          <span className="status">
            {alertStatus(lead)}
            {others > 0 && ` · ${others} more`}
          </span>
        </div>
      ) : (
        <div className="tile-alert calm">No open alerts</div>
      )}
    </Link>
  );
}
