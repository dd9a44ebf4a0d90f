import type { AlarmBurdenReport, ProtocolView, SiteView } from '#contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { get } from '../api';
import { KIND_NAMES } from '../ward/alarm-level';
import { BurdenChart } from './BurdenChart';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const show = (v: number | null, unit = '') => (v === null ? '—' : `${v}${unit}`);

/** For admins and clinicians: how many alarms the rules produce, against a plain threshold monitor. */
export function AlarmBurdenPage() {
  const [sites, setSites] = useState<SiteView[]>([]);
  const [protocols, setProtocols] = useState<ProtocolView[]>([]);
  const [siteId, setSiteId] = useState('');
  const [protocolId, setProtocolId] = useState('');
  const [from, setFrom] = useState(day(-7));
  const [to, setTo] = useState(day(1));
  const [report, setReport] = useState<AlarmBurdenReport | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    get<SiteView[]>('/sites').then(
      (list) => {
        setSites(list);
        setSiteId((current) => current || list[0]?.id || '');
      },
      (error: Error) => setProblem(error.message),
    );
    get<ProtocolView[]>('/protocols').then(setProtocols, () => undefined);
  }, []);

  const load = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!siteId) return;
    setProblem(null);
    const params = new URLSearchParams({ siteId, from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z` });
    if (protocolId) params.set('protocolId', protocolId);
    try {
      setReport(await get<AlarmBurdenReport>(`/reports/alarm-burden?${params}`));
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void load(), [siteId]);

  return (
    <article className="burden-page" aria-labelledby="burden-title">
      <h1 id="burden-title">Alarm burden</h1>
      <form className="burden-form" onSubmit={(e) => void load(e)}>
        <label>
          Site
          <select value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Protocol
          <select value={protocolId} onChange={(e) => setProtocolId(e.target.value)}>
            <option value="">all</option>
            {protocols.map((p) => (
              <option key={p.id} value={p.id}>
                {p.key} v{p.version}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label>
          To (exclusive)
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
        <button type="submit" className="primary">
          Show
        </button>
      </form>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      {report && (
        <>
          <dl className="burden-summary">
            <div>
              <dt>Sessions</dt>
              <dd>{report.sessions}</dd>
            </div>
            <div>
              <dt>Alerts per session</dt>
              <dd>{show(report.alerts.perSession)}</dd>
            </div>
            <div>
              <dt>Escalations</dt>
              <dd>{report.escalations}</dd>
            </div>
            <div>
              <dt>Time to acknowledge (median · p90)</dt>
              <dd>
                {show(report.acknowledgement.medianSeconds, ' s')} · {show(report.acknowledgement.p90Seconds, ' s')}
              </dd>
            </div>
            <div>
              <dt>High alerts acknowledged within 2 min</dt>
              <dd>
                {report.acknowledgement.shareHighWithin2Min === null
                  ? '—'
                  : `${Math.round(report.acknowledgement.shareHighWithin2Min * 100)} %`}
              </dd>
            </div>
            <div>
              <dt>Threshold monitor alarms per engine alert</dt>
              <dd data-testid="burden-ratio">{show(report.ratio, ' ×')}</dd>
            </div>
          </dl>
          {report.perDay.length > 0 && <BurdenChart days={report.perDay} />}
          <table className="series-table">
            <thead>
              <tr>
                <th>Kind</th>
                <th>High</th>
                <th>Medium</th>
                <th>Total</th>
                <th>Threshold monitor alarms</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(report.alerts.byKind).map(([kind, counts]) => (
                <tr key={kind}>
                  <td>{KIND_NAMES[kind] ?? kind}</td>
                  <td>{counts.high ?? 0}</td>
                  <td>{counts.medium ?? 0}</td>
                  <td>{counts.total ?? 0}</td>
                  <td>{report.thresholdMonitor.byRule[kind] ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            The threshold monitor replays the same stored readings ({report.thresholdMonitor.samples} samples) with the
            same limits and raises one alarm per sample beyond them: {report.thresholdMonitor.alarms} alarms against{' '}
            {report.alerts.clinical} clinical alerts of the rules.
          </p>
        </>
      )}
    </article>
  );
}
