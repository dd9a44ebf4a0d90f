import { useEffect } from 'react';
import { formatElapsed } from '../format';
import { useAlarm } from '../ward/use-alarm';
import { useWard } from '../ward/ward-context';

/** The alarm sound's state and its only control: a pause of at most two minutes. */
export function AlarmBar() {
  const { board } = useWard();
  const alarm = useAlarm(board);

  useEffect(() => {
    document.title = alarm.sounding > 0 ? `(${alarm.sounding} HIGH) Infusion Monitor` : 'Infusion Monitor';
  }, [alarm.sounding]);

  return (
    <div className="alarm-bar" role="status" aria-live="polite">
      {alarm.sounding > 0 ? (
        <span className="alarm-count">
          {alarm.sounding} high {alarm.sounding === 1 ? 'alarm' : 'alarms'} to acknowledge
        </span>
      ) : (
        <span className="muted">No high alarms</span>
      )}
      {alarm.pausedForMs > 0 ? (
        <>
          <span className="paused">Sound paused · {formatElapsed(alarm.pausedForMs)} left</span>
          <button type="button" onClick={alarm.resume}>
            Sound on now
          </button>
        </>
      ) : (
        alarm.sounding > 0 && (
          <button type="button" onClick={alarm.pause}>
            Pause sound 2 min
          </button>
        )
      )}
      {alarm.blocked && (
        <button type="button" className="warning" onClick={alarm.unlock}>
          Alarm sound is blocked by the browser: click to allow
        </button>
      )}
    </div>
  );
}
