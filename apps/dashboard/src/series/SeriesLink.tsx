import { useEffect, useState } from 'react';
import { get } from '../api';
import { Link } from '../router';
import type { PatientSeries } from '#contracts';
import { noteForSession, seriesPath } from './series-types';

/** On the session page: the series note for this infusion and a link to the patient's series. */
export function SeriesLink({ session }: { session: { id: string; siteId: string; patientRef: string } }) {
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    get<PatientSeries>(seriesPath(session.siteId, session.patientRef)).then(
      (series) => setNote(noteForSession(series, session.id)),
      () => setNote(null),
    );
  }, [session.id, session.siteId, session.patientRef]);
  return (
    <>
      <Link to={seriesPath(session.siteId, session.patientRef)} className="series-link">
        Patient’s series
      </Link>
      {note && (
        <span className="series-note" role="note">
          {note}
        </span>
      )}
    </>
  );
}
