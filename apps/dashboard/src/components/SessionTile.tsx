import type { SessionSummary } from '#contracts';
import { formatElapsed } from '../format';
import { Link } from '../router';
import { isEscalated } from '../ward/alarm-level';
import { flashHz, leadAlarm } from '../ward/alarm-signal';
import { alarmVitals } from '../ward/alarm-text';
import { boardAlarmText, conditionWords, priorityWord } from '../ward/alarm-words';
import { openAlerts, type Tile } from '../ward/board';
import type { TileVital } from '../ward/vital-track';
import { BloodPressureReadout, VitalReadout, type ReadoutAlarm } from './VitalReadout';

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

/** The most urgent alarm of the tile that concerns `vital`, for the readout's highlight. */
function alarmOn(tile: Tile, vital: TileVital): ReadoutAlarm | null {
  const lead = leadAlarm({ ...tile, alerts: tile.alerts.filter((a) => alarmVitals(a).includes(vital)) });
  return lead && { priority: lead.priority, condition: lead.condition };
}

export function SessionTile({ tile, now, live }: { tile: Tile; now: number; live: boolean }) {
  const { session, vitals } = tile;
  const lead = leadAlarm(tile);
  const others = openAlerts(tile).length - 1;
  const state = lead ? `prio-${lead.priority} state-${lead.condition}` : 'calm';
  return (
    <Link
      to={`/sessions/${session.id}`}
      className={`tile ${state}`}
      data-session-id={session.id}
      data-chair={session.chair}
      data-alarm-priority={lead?.priority ?? 'none'}
      data-alarm-state={lead?.condition ?? 'none'}
      data-flash-hz={lead ? flashHz(lead.alert) : 0}
    >
      <div className="tile-head">
        <span className="chair">{session.chair}</span>
        <span className="patient">{session.patientRef}</span>
        <span className={`phase phase-${session.phase}`}>
          {PHASE_NAMES[session.phase]} {formatElapsed(now - Date.parse(phaseStart(session)))}
        </span>
      </div>
      <div className="vitals">
        <VitalReadout
          label="HR"
          unit="/min"
          vital="hr"
          track={vitals.hr}
          now={now}
          live={live}
          alarm={alarmOn(tile, 'hr')}
        />
        <BloodPressureReadout
          sbp={vitals.sbp}
          dbp={vitals.dbp}
          now={now}
          live={live}
          alarm={alarmOn(tile, 'sbp') ?? alarmOn(tile, 'dbp')}
        />
        <VitalReadout
          label="SpO2"
          unit="%"
          vital="spo2"
          track={vitals.spo2}
          now={now}
          live={live}
          alarm={alarmOn(tile, 'spo2')}
        />
      </div>
      {lead ? (
        <div className={`tile-alert prio-${lead.priority} state-${lead.condition}`}>
          <span className="headline">
            {isEscalated(lead.alert) && <span className="escalated">ESCALATED</span>}
            {priorityWord(lead)} · {boardAlarmText(lead.alert, tile, now)}
          </span>
          <span className="status">
            {conditionWords(lead)}
            {others > 0 && ` · ${others} more`}
          </span>
        </div>
      ) : (
        <div className="tile-alert calm">No open alerts</div>
      )}
    </Link>
  );
}
