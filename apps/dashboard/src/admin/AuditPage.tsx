import type { AuditPage as AuditPageResult, AuditRecord, AuditVerification, SiteView } from '#contracts';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { get } from '../api';
import { type AuditFilter, auditQuery, downloadExport, NO_FILTER, verifyWords } from './audit';
import { AuditTable } from './AuditTable';
import { useList } from './use-list';

const message = (error: unknown) => (error instanceof Error ? error.message : 'That did not work.');

/** The audit trail for admins: filtered, newest first, older pages on request, exported, verified. */
export function AuditPage() {
  const sites = useList<SiteView>('/sites');
  const [draft, setDraft] = useState<AuditFilter>(NO_FILTER);
  // The filter in force: the one the list was loaded with, and the one exports use.
  const [filter, setFilter] = useState<AuditFilter>(NO_FILTER);
  const [events, setEvents] = useState<AuditRecord[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string } | null>(null);
  const siteName = (id: string) => sites.items?.find((s) => s.id === id)?.name ?? id;

  // Only the newest request may fill the table: an earlier, slower one would show the wrong filter's events.
  const latest = useRef(0);

  const load = useCallback(async (applied: AuditFilter, after: string | null) => {
    const request = ++latest.current;
    setBusy(true);
    setProblem(null);
    try {
      const page = await get<AuditPageResult>(`/audit${auditQuery(applied, after ? { cursor: after } : {})}`);
      if (request !== latest.current) return;
      setEvents((current) => (after ? [...(current ?? []), ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (error) {
      if (request === latest.current) setProblem(message(error));
    }
    if (request === latest.current) setBusy(false);
  }, []);

  useEffect(() => {
    void load(NO_FILTER, null);
  }, [load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    void load(draft, null);
  };

  const exportAs = async (format: 'csv' | 'ndjson') => {
    setProblem(null);
    try {
      await downloadExport(filter, format);
    } catch (error) {
      setProblem(message(error));
    }
  };

  const verify = async () => {
    setVerdict({ ok: true, text: 'Checking every event of the chain…' });
    try {
      const result = await get<AuditVerification>('/audit/verify');
      setVerdict({ ok: result.ok, text: verifyWords(result) });
    } catch (error) {
      setVerdict({ ok: false, text: `The chain could not be checked: ${message(error)}` });
    }
  };

  const field = (key: keyof AuditFilter) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
  });

  return (
    <div className="admin audit">
      <h1>Audit trail</h1>
      <form className="audit-filters" aria-label="Audit filters" onSubmit={apply}>
        <label>
          Actor
          <input {...field('actor')} placeholder="username or id" maxLength={100} />
        </label>
        <label>
          Action
          <input {...field('action')} placeholder="session.* or session.signoff" pattern="[a-z_.]+\*?" />
        </label>
        <label>
          Entity type
          <input {...field('entityType')} placeholder="session" maxLength={40} />
        </label>
        <label>
          Entity id
          <input {...field('entityId')} maxLength={100} />
        </label>
        <label>
          Site
          <select {...field('siteId')}>
            <option value="">all sites</option>
            {sites.items?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" step={1} {...field('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" step={1} {...field('to')} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Show events
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(NO_FILTER);
            setFilter(NO_FILTER);
            void load(NO_FILTER, null);
          }}
        >
          Clear
        </button>
      </form>
      <div className="audit-actions">
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('ndjson')}>
          Export NDJSON
        </button>
        <span className="muted">Exports take every event that matches the filter shown, oldest first.</span>
        <button type="button" onClick={() => void verify()}>
          Verify chain
        </button>
      </div>
      {verdict && (
        <p className={verdict.ok ? 'verify-ok' : 'problem'} role="status">
          {verdict.text}
        </p>
      )}
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      {events === null ? <p className="muted">Loading…</p> : <AuditTable events={events} siteName={siteName} />}
      {cursor && (
        <button type="button" disabled={busy} onClick={() => void load(filter, cursor)}>
          Load older
        </button>
      )}
    </div>
  );
}
