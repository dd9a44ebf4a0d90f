import { useState } from 'react';
import { ApiError, post } from '../api';
import { formatClock } from '../format';
import { Link } from '../router';
import { awaitsAcknowledgement, isEscalated } from '../ward/alarm-level';
import { flashHz, type BoardAlarm } from '../ward/alarm-signal';
import { boardAlarmText, conditionWords, priorityWord } from '../ward/alarm-words';

/**
 * Every open alarm of the ward in one list above the tiles, most urgent first (high, medium,
 * technical; within each, present before latched before acknowledged). The tiles keep their places
 * by chair, so a nurse knows where chair 7 is; this list is what tells her where to look first.
 */
export function AlarmList({ alarms, now }: { alarms: BoardAlarm[]; now: number }) {
  return (
    <section className="alarm-list" aria-labelledby="alarm-list-title">
      <h2 id="alarm-list-title" className="alarm-list-title">
        Alarms <span className="muted">({alarms.length})</span>
        <span className="key-hint muted">
          <kbd>N</kbd> next alarm · <kbd>Shift</kbd>+<kbd>N</kbd> previous
        </span>
      </h2>
      {alarms.length === 0 ? (
        <p className="muted alarm-list-empty">No open alarms.</p>
      ) : (
        <ol>
          {alarms.map((alarm) => (
            <AlarmRow key={alarm.alert.id} alarm={alarm} now={now} />
          ))}
        </ol>
      )}
    </section>
  );
}

function AlarmRow({ alarm, now }: { alarm: BoardAlarm; now: number }) {
  const { alert, session } = alarm;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const acknowledge = async () => {
    setBusy(true);
    setProblem(null);
    try {
      // The `alert` event that follows moves the row; nothing to do here on success.
      await post(`/alerts/${alert.id}/acknowledge`, {});
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 409 ? 'Already acknowledged by someone else.' : String(error),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <li
      className={`alarm-row prio-${alarm.priority} state-${alarm.condition}`}
      data-alert-id={alert.id}
      data-alarm-session-id={session.id}
      data-alarm-priority={alarm.priority}
      data-alarm-state={alarm.condition}
      data-flash-hz={flashHz(alert)}
    >
      <span className="alarm-priority">{priorityWord(alarm)}</span>
      <Link to={`/sessions/${session.id}`} className="alarm-chair">
        {session.chair}
      </Link>
      <span className="alarm-text">
        {isEscalated(alert) && <span className="escalated">ESCALATED</span>}
        {boardAlarmText(alert, alarm.tile, now)}
      </span>
      <span className="alarm-state">
        {conditionWords(alarm)} <span className="muted">· {formatClock(alert.openedAt)}</span>
      </span>
      {awaitsAcknowledgement(alert) ? (
        <button
          type="button"
          className="acknowledge"
          disabled={busy}
          onClick={() => void acknowledge()}
          aria-label={`Acknowledge ${priorityWord(alarm)} alarm at ${session.chair}`}
        >
          Acknowledge
        </button>
      ) : (
        <span className="alarm-acknowledged" />
      )}
      {problem && (
        <span className="problem" role="alert">
          {problem}
        </span>
      )}
    </li>
  );
}
