import type { Role } from '#contracts';
import { Addenda, SignatureBlock } from './SignatureBlock';
import { ChecklistForm, ChecklistSummary } from './ChecklistForm';
import { ObservationForm } from './ObservationForm';
import { ObservationList } from './ObservationList';
import { PrintRecordButton } from './PrintRecordButton';
import { ReadinessList } from './ReadinessList';
import { SignOffForm } from './SignOffForm';
import { useDischarge } from './use-discharge';

/**
 * Recovery and discharge on the session page: observations and the escort checklist while in
 * recovery, readiness, the clinician's sign-off; after it, the signature, addenda and the record.
 */
export function DischargeSection(props: {
  sessionId: string;
  siteId: string;
  patientRef: string;
  phase: string;
  role: Role;
  onSigned: () => void;
}) {
  const { sessionId, siteId, patientRef, phase, role, onSigned } = props;
  const { story, readiness, problem, reload } = useDischarge(sessionId, phase);
  if (phase !== 'recovery' && phase !== 'discharged') return null;
  if (!story) return <p className="muted">{problem ?? 'Loading recovery…'}</p>;
  // The story's phase is the record's; the board's may be a moment ahead of it.
  const editable = phase === 'recovery' && story.phase === 'recovery' && !story.signature;

  return (
    <section className="discharge" aria-labelledby="discharge-title">
      <div className="discharge-head">
        <h2 id="discharge-title">Recovery and discharge</h2>
        <PrintRecordButton sessionId={sessionId} />
        {/* Esketamine sessions only: the service answers 409 for others, shown beside the button. */}
        <PrintRecordButton sessionId={sessionId} page="rems-form" label="REMS monitoring form" />
      </div>
      {problem && <p className="problem">{problem}</p>}
      <div className="discharge-grid">
        <section aria-labelledby="observations-title">
          <h3 id="observations-title">Recovery observations</h3>
          {editable && <ObservationForm sessionId={sessionId} onSaved={reload} />}
          <ObservationList observations={story.observations} />
        </section>
        <section aria-labelledby="checklist-title">
          <h3 id="checklist-title">Discharge checklist</h3>
          {editable ? (
            <ChecklistForm sessionId={sessionId} saved={story.checklist} onSaved={reload} />
          ) : (
            <ChecklistSummary checklist={story.checklist} />
          )}
        </section>
        <section aria-label="Readiness and signature">
          {editable && (
            <>
              <h3 id="readiness-title">Discharge readiness</h3>
              <ReadinessList readiness={readiness} onRefresh={reload} />
              {role === 'clinician' ? (
                <SignOffForm
                  sessionId={sessionId}
                  siteId={siteId}
                  patientRef={patientRef}
                  readiness={readiness}
                  onSigned={() => {
                    reload();
                    onSigned();
                  }}
                />
              ) : (
                <p className="muted">A clinician signs the discharge.</p>
              )}
            </>
          )}
          {story.signature && (
            <>
              <SignatureBlock signature={story.signature} />
              <Addenda sessionId={sessionId} addenda={story.addenda} onAdded={reload} />
            </>
          )}
        </section>
      </div>
    </section>
  );
}
