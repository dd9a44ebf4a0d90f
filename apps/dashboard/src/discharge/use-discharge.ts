import type { Readiness, SessionRecord } from '#contracts';
import { useCallback, useEffect, useState } from 'react';
import { get } from '../api';
import { useWard, useWardConnection } from '../ward/ward-context';

/** Readiness depends on the clock (minimum observation time) and on live vitals, so it is asked again. */
const READINESS_EVERY_MS = 30_000;
/** Several alert events often come together (a transition and its escalation): one request for them. */
const SETTLE_MS = 250;

export interface DischargeState {
  story: SessionRecord | null;
  readiness: Readiness | null;
  problem: string | null;
  /** After any change: the story and the readiness again. */
  reload: () => void;
}

/**
 * Recovery and discharge for one session: its story (observations, checklist, signature, addenda)
 * from GET /sessions/:id, and, while in recovery, the readiness criteria: at once after each recovery
 * write, on every `alert` and `session` event of the session (an acknowledgement from any screen, a
 * phase change), and every 30 s for the clock.
 */
export function useDischarge(sessionId: string, phase: string): DischargeState {
  const [story, setStory] = useState<SessionRecord | null>(null);
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
    get<SessionRecord>(`/sessions/${sessionId}`).then(setStory, fail);
    if (inRecovery) loadReadiness();
  }, [sessionId, inRecovery, loadReadiness, fail]);

  // `phase` is a dependency through `reload`: the story is loaded again when the phase changes.
  useEffect(reload, [reload]);

  useEffect(() => {
    if (!inRecovery) return;
    const timer = setInterval(loadReadiness, READINESS_EVERY_MS);
    return () => clearInterval(timer);
  }, [inRecovery, loadReadiness]);

  const connection = useWardConnection();
  useEffect(() => {
    if (!inRecovery) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = connection.onAlert((alert) => {
      if (alert.sessionId !== sessionId) return;
      clearTimeout(timer);
      timer = setTimeout(loadReadiness, SETTLE_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [connection, sessionId, inRecovery, loadReadiness]);

  // A `session` event replaces the board's summary of this session: its phase, binding or discharge changed.
  const summary = useWard().board.get(sessionId)?.session;
  useEffect(() => {
    if (summary && inRecovery) loadReadiness();
  }, [summary, inRecovery, loadReadiness]);

  return { story, readiness: inRecovery ? readiness : null, problem, reload };
}
