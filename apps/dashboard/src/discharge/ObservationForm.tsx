import type { Nausea } from '#contracts';
import { type FormEvent, useState } from 'react';
import { post } from '../api';
import { useSubmit } from './use-submit';

const NAUSEA: Nausea[] = ['none', 'mild', 'moderate', 'severe'];

/** "" is "not assessed": such an item is left out of the request, and nothing is stored for it. */
const yesNo = (value: string): boolean | undefined => (value === '' ? undefined : value === 'yes');

/**
 * A recovery observation, timed now. Every item starts blank and only what the nurse enters is sent:
 * a default (pain 0, nausea none) would put on the record an assessment nobody made.
 */
export function ObservationForm({ sessionId, onSaved }: { sessionId: string; onSaved: () => void }) {
  const [moaas, setMoaas] = useState('');
  const [oriented, setOriented] = useState('');
  const [steadyGait, setSteadyGait] = useState('');
  const [nausea, setNausea] = useState('');
  const [pain, setPain] = useState('');
  const [notes, setNotes] = useState('');
  // The esketamine REMS form's assessments; '' = not assessed (left out of the request).
  const [dissociation, setDissociation] = useState<Nausea | ''>('');
  const [respiratory, setRespiratory] = useState<'' | 'no' | 'yes'>('');
  const { busy, problem, run } = useSubmit();
  const entered = [moaas, oriented, steadyGait, nausea, pain, notes.trim(), dissociation, respiratory].some(
    (v) => v !== '',
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      observedAt: new Date().toISOString(),
      moaas: moaas === '' ? undefined : Number(moaas),
      oriented: yesNo(oriented),
      steadyGait: yesNo(steadyGait),
      nausea: nausea === '' ? undefined : (nausea as Nausea),
      pain: pain === '' ? undefined : Number(pain),
      notes: notes.trim() || undefined,
      dissociation: dissociation || undefined,
      respiratoryDepression: respiratory === '' ? undefined : respiratory === 'yes',
    };
    const saved = await run(async () => {
      await post(`/sessions/${sessionId}/recovery-observations`, body);
    });
    if (!saved) return;
    // A fresh form for the next observation: the last one is in the list, not carried forward unseen.
    setMoaas('');
    setOriented('');
    setSteadyGait('');
    setNausea('');
    setPain('');
    setNotes('');
    setDissociation('');
    setRespiratory('');
    onSaved();
  };

  return (
    <form className="discharge-form" aria-label="Recovery observation" onSubmit={(e) => void submit(e)}>
      <label>
        MOAA/S (0–5)
        <select value={moaas} onChange={(e) => setMoaas(e.target.value)}>
          <option value="">not assessed</option>
          <option value="5">5 · responds readily to name</option>
          <option value="4">4 · lethargic response to name</option>
          <option value="3">3 · responds only to loud or repeated name</option>
          <option value="2">2 · responds only to shaking</option>
          <option value="1">1 · responds only to trapezius squeeze</option>
          <option value="0">0 · no response</option>
        </select>
      </label>
      <label>
        Oriented
        <select value={oriented} onChange={(e) => setOriented(e.target.value)}>
          <option value="">not assessed</option>
          <option value="yes">yes</option>
          <option value="no">no</option>
        </select>
      </label>
      <label>
        Gait
        <select value={steadyGait} onChange={(e) => setSteadyGait(e.target.value)}>
          <option value="">not assessed</option>
          <option value="yes">steady</option>
          <option value="no">unsteady</option>
        </select>
      </label>
      <label>
        Nausea
        <select value={nausea} onChange={(e) => setNausea(e.target.value)}>
          <option value="">not assessed</option>
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
          placeholder="not assessed"
          value={pain}
          onChange={(e) => setPain(e.target.value)}
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
      <button type="submit" className="primary" disabled={busy || !entered}>
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
