import type { SiteView } from '#contracts';
import { type FormEvent, useId, useState } from 'react';
import { api, post } from '../api';
import { Table } from './AdminPage';
import { refusalWords } from './refusal';

/** The clinic's sites, and a form to add one (the time zone defaults on the service when left empty). */
export function SitesSection({
  sites,
  problem: listProblem,
  reload,
}: {
  sites: SiteView[] | null;
  problem: string | null;
  reload: () => void;
}) {
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problemId = useId();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const zone = timezone.trim();
      await post<SiteView>('/sites', { name: name.trim(), ...(zone ? { timezone: zone } : {}) });
      setName('');
      setTimezone('');
      reload();
    } catch (error) {
      setProblem(refusalWords(error, 'The site was not created.'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="sites-title">
      <h2 id="sites-title">Sites</h2>
      <form
        className="inline-form"
        aria-label="New site"
        aria-describedby={problem ? problemId : undefined}
        onSubmit={(e) => void create(e)}
      >
        <label>
          Site name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
            placeholder="North clinic"
          />
        </label>
        <label>
          Time zone (optional)
          <input
            value={timezone}
            onChange={(e) => setTimezone(e.target.value)}
            maxLength={64}
            placeholder="Europe/Dublin"
            autoComplete="off"
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Add site
        </button>
        {problem && (
          <p className="problem" role="alert" id={problemId}>
            {problem}
          </p>
        )}
      </form>
      <Table
        problem={listProblem}
        head={['Name', 'Time zone', '']}
        rows={sites?.map((s) => [s.name, s.timezone, <ZoneEditor key={s.id} site={s} onSaved={reload} />])}
      />
    </section>
  );
}

/**
 * Changes a site's time zone (an IANA name, checked by the service): the printable record and the
 * signature statement give their times in it, with UTC in brackets.
 */
function ZoneEditor({ site, onSaved }: { site: SiteView; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [zone, setZone] = useState(site.timezone);
  const [problem, setProblem] = useState<string | null>(null);
  if (!open) {
    return (
      <button type="button" aria-label={`Change time zone of ${site.name}`} onClick={() => setOpen(true)}>
        Change time zone
      </button>
    );
  }
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await api('PATCH', `/sites/${site.id}`, { timezone: zone.trim() });
      setOpen(false);
      onSaved();
    } catch (error) {
      setProblem(refusalWords(error, 'The time zone was not changed.'));
    }
  };
  return (
    <form className="inline-form" aria-label={`Time zone of ${site.name}`} onSubmit={(e) => void save(e)}>
      <label>
        Time zone
        <input value={zone} onChange={(e) => setZone(e.target.value)} required maxLength={64} autoComplete="off" />
      </label>
      <button type="submit" className="primary">
        Save
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
