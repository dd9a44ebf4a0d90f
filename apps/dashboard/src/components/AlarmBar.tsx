import { type MouseEvent, useEffect } from 'react';
import { formatElapsed } from '../format';
import { navigate } from '../router';
import { PRIORITY_NAMES, type AlarmPriority, type BoardAlarm } from '../ward/alarm-signal';
import { useAlarm } from '../ward/use-alarm';
import { focusTile } from '../ward/use-next-alarm-key';
import { useWard } from '../ward/ward-context';

const PRIORITIES: AlarmPriority[] = ['high', 'medium', 'technical'];

const chairsOf = (alarms: BoardAlarm[]) => [...new Set(alarms.map((a) => a.session.chair))];

/** To the board, with the focus on the tile of the first chair of these alarms. */
function jumpTo(alarm: BoardAlarm | undefined) {
  return (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    navigate('/');
    if (alarm) setTimeout(() => focusTile(alarm.session.id), 0);
  };
}

/**
 * The alarm state under the top bar, on every page: how many alarms of each priority wait for
 * acknowledgement and at which chairs, the sound's state and its only control (a pause of at most two
 * minutes). When the browser holds the sound back, a full-width banner says so until it is clicked.
 */
export function AlarmBar() {
  const { board } = useWard();
  const alarm = useAlarm(board);
  const byPriority = PRIORITIES.map((priority) => ({
    priority,
    waiting: alarm.waiting.filter((a) => a.priority === priority),
  }));
  const counts = byPriority.filter((p) => p.waiting.length > 0);

  const title = counts.map((p) => `${p.waiting.length} ${PRIORITY_NAMES[p.priority]}`).join(', ');
  useEffect(() => {
    document.title = title ? `(${title}) Infusion Monitor` : 'Infusion Monitor';
  }, [title]);

  return (
    <>
      {alarm.sound === 'blocked' && (
        <button type="button" className="sound-blocked" data-sound="blocked" onClick={alarm.unlock}>
          <span className="sound-blocked-title">Alarm sound is off</span>
          <span>The browser holds it back until this page is clicked. Click here to turn the sound on.</span>
        </button>
      )}
      <div className="alarm-bar" data-sound={alarm.sound} data-tone={alarm.tone ?? 'none'}>
        <div className="alarm-counts" role="status" aria-live="polite">
          {counts.length === 0 ? (
            <span className="muted">No alarms waiting</span>
          ) : (
            counts.map(({ priority, waiting }) => (
              <a
                key={priority}
                href="/"
                onClick={jumpTo(waiting[0])}
                className={`alarm-count prio-${priority}`}
                data-alarm-priority={priority}
                title={chairsOf(waiting).join(', ')}
              >
                <strong>
                  {waiting.length} {PRIORITY_NAMES[priority].toLowerCase()}
                </strong>{' '}
                <span className="alarm-count-chairs">{chairsOf(waiting).join(', ')}</span>
              </a>
            ))
          )}
        </div>
        <div className="sound-control">
          {alarm.sound === 'paused' ? (
            <>
              <span className="paused">Sound paused · {formatElapsed(alarm.pausedForMs)} left</span>
              <button type="button" onClick={alarm.resume}>
                Sound on now
              </button>
            </>
          ) : alarm.sound === 'on' ? (
            <>
              <span className="muted">Sound on</span>
              {alarm.tone && (
                <button type="button" onClick={alarm.pause}>
                  Pause sound 2 min
                </button>
              )}
            </>
          ) : (
            <span className="sound-off-note">Sound off</span>
          )}
        </div>
      </div>
    </>
  );
}
