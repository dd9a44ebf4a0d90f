import type { AlertView } from '#contracts';
import { useState } from 'react';
import { ApiError, post } from '../api';
import { formatClock } from '../format';
import {
  alarmLevel,
  alertHeadline,
  alertStatus,
  awaitsAcknowledgement,
  isEscalated,
  KIND_NAMES,
} from '../ward/alarm-level';

export function AlertList({ alerts, onChange }: { alerts: AlertView[]; onChange: () => void }) {
  if (alerts.length === 0) return <p className="muted">No alerts in this session.</p>;
  // Waiting ones first, then the newest.
  const ordered = [...alerts].sort(
    (a, b) =>
      Number(awaitsAcknowledgement(b)) - Number(awaitsAcknowledgement(a)) ||
      Date.parse(b.openedAt) - Date.parse(a.openedAt),
  );
  return (
    <ul className="alert-list">
      {ordered.map((alert) => (
        <AlertItem key={alert.id} alert={alert} onChange={onChange} />
      ))}
    </ul>
  );
}

function AlertItem({ alert, onChange }: { alert: AlertView; onChange: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const waiting = awaitsAcknowledgement(alert);

  const acknowledge = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await post(`/alerts/${alert.id}/acknowledge`, note.trim() ? { note: note.trim() } : {});
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 409 ? 'Someone has acknowledged it already.' : String(error),
      );
    }
    setBusy(false);
    onChange();
  };

  return (
    <li className={`alert-item alarm-${alarmLevel(alert)}`} data-alert-id={alert.id}>
      <div className="alert-head">
        <span className="alert-kind">{KIND_NAMES[alert.kind] ?? alert.kind}</span>
        <span className="muted">opened {formatClock(alert.openedAt)}</span>
      </div>
      <div className="alert-message">
        {isEscalated(alert) && <span className="escalated">ESCALATED</span>}
        {alertHeadline(alert)}
      </div>
      <div className="alert-state">
        {alertStatus(alert)}
        {alert.durationSeconds !== null && ` · lasted ${Math.max(1, Math.round(alert.durationSeconds / 60))} min`}
      </div>
      {worst(alert) && <div className="alert-state">Worst: {worst(alert)}</div>}
      {alert.acknowledgementNote && <div className="alert-note">Note: {alert.acknowledgementNote}</div>}
      {waiting && (
        <form
          className="acknowledge"
          onSubmit={(event) => {
            event.preventDefault();
            void acknowledge();
          }}
        >
          <label>
            <span className="visually-hidden">Note (optional)</span>
            <input
              placeholder="Note (optional)"
              maxLength={1000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Acknowledge
          </button>
        </form>
      )}
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </li>
  );
}

const PEAK_NAMES: Record<string, string> = { sbp: 'SBP', dbp: 'DBP', hr: 'HR', spo2: 'SpO2' };

/** The worst values of the episode so far (the message shows those at opening). */
function worst(alert: AlertView): string {
  return Object.entries(alert.peak ?? {})
    .filter(([key, value]) => key in PEAK_NAMES && typeof value === 'number')
    .map(([key, value]) => `${PEAK_NAMES[key]} ${value}`)
    .join(', ');
}
