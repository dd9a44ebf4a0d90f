import { type FormEvent, useState } from 'react';
import { post } from '../api';
import type { Nausea } from './records';
import { useSubmit } from './use-submit';

const NAUSEA: Nausea[] = ['none', 'mild', 'moderate', 'severe'];

/** A recovery observation, timed now: sedation, orientation, gait, nausea, pain and a note. */
export function ObservationForm({ sessionId, onSaved }: { sessionId: string; onSaved: () => void }) {
  const [moaas, setMoaas] = useState('');
  const [oriented, setOriented] = useState(false);
  const [steadyGait, setSteadyGait] = useState(false);
  const [nausea, setNausea] = useState<Nausea>('none');
  const [pain, setPain] = useState('0');
  const [notes, setNotes] = useState('');
  // The esketamine REMS form's assessments; '' = not assessed (left out of the request).
  const [dissociation, setDissociation] = useState<Nausea | ''>('');
  const [respiratory, setRespiratory] = useState<'' | 'no' | 'yes'>('');
  const { busy, problem, run } = useSubmit();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await run(async () => {
      await post(`/sessions/${sessionId}/recovery-observations`, {
        observedAt: new Date().toISOString(),
        moaas: Number(moaas),
        oriented,
        steadyGait,
        nausea,
        pain: Number(pain),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        ...(dissociation ? { dissociation } : {}),
        ...(respiratory ? { respiratoryDepression: respiratory === 'yes' } : {}),
      });
    });
    if (!saved) return;
    // A fresh form for the next observation: the last one is in the list, not carried forward unseen.
    setMoaas('');
    setOriented(false);
    setSteadyGait(false);
    setNausea('none');
    setPain('0');
    setNotes('');
    setDissociation('');
    setRespiratory('');
    onSaved();
  };

  return (
    <form className="discharge-form" aria-label="Recovery observation" onSubmit={(e) => void submit(e)}>
      <label>
        MOAA/S (0–5)
        <select value={moaas} onChange={(e) => setMoaas(e.target.value)} required>
          <option value="" disabled>
            choose
          </option>
          <option value="5">5 · responds readily to name</option>
          <option value="4">4 · lethargic response to name</option>
          <option value="3">3 · responds only to loud or repeated name</option>
          <option value="2">2 · responds only to shaking</option>
          <option value="1">1 · responds only to trapezius squeeze</option>
          <option value="0">0 · no response</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={oriented} onChange={(e) => setOriented(e.target.checked)} />
        Oriented
      </label>
      <label className="check">
        <input type="checkbox" checked={steadyGait} onChange={(e) => setSteadyGait(e.target.checked)} />
        Steady gait
      </label>
      <label>
        Nausea
        <select value={nausea} onChange={(e) => setNausea(e.target.value as Nausea)}>
          {NAUSEA.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Pain (0–10)
        <input
          type="number"
          min={0}
          max={10}
          step={1}
          value={pain}
          onChange={(e) => setPain(e.target.value)}
          required
        />
      </label>
      <label>
        Dissociation
        <select value={dissociation} onChange={(e) => setDissociation(e.target.value as Nausea | '')}>
          <option value="">not assessed</option>
          {NAUSEA.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Respiratory depression
        <select value={respiratory} onChange={(e) => setRespiratory(e.target.value as '' | 'no' | 'yes')}>
          <option value="">not assessed</option>
          <option value="no">no</option>
          <option value="yes">yes</option>
        </select>
      </label>
      <label className="wide">
        Notes
        <input value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Record observation
      </button>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
