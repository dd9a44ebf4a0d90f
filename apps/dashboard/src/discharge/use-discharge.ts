import { useCallback, useEffect, useState } from 'react';
import { get } from '../api';
import type { DischargeStory, Readiness } from './records';

/** Readiness depends on the clock (minimum observation time) and on live vitals, so it is asked again. */
const READINESS_EVERY_MS = 30_000;

export interface DischargeState {
  story: DischargeStory | null;
  readiness: Readiness | null;
  problem: string | null;
  /** After any change: the story and the readiness again. */
  reload: () => void;
}

/**
 * Recovery and discharge for one session: its story (observations, checklist, signature, addenda)
 * from GET /sessions/:id, and, while in recovery, the readiness criteria, every 30 s and after each change.
 */
export function useDischarge(sessionId: string, phase: string): DischargeState {
  const [story, setStory] = useState<DischargeStory | null>(null);
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const inRecovery = phase === 'recovery';

  const fail = useCallback((error: unknown) => {
    setProblem(error instanceof Error ? error.message : 'The discharge record could not be loaded.');
  }, []);

  const loadReadiness = useCallback(() => {
    get<Readiness>(`/sessions/${sessionId}/discharge-readiness`).then((next) => {
      setReadiness(next);
      setProblem(null);
    }, fail);
  }, [sessionId, fail]);

  const reload = useCallback(() => {
    get<DischargeStory>(`/sessions/${sessionId}`).then(setStory, fail);
    if (inRecovery) loadReadiness();
  }, [sessionId, inRecovery, loadReadiness, fail]);

  // `phase` is a dependency through `reload`: the story is loaded again when the phase changes.
  useEffect(reload, [reload]);

  useEffect(() => {
    if (!inRecovery) return;
    const timer = setInterval(loadReadiness, READINESS_EVERY_MS);
    return () => clearInterval(timer);
  }, [inRecovery, loadReadiness]);

  return { story, readiness: inRecovery ? readiness : null, problem, reload };
}
