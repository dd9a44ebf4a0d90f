import type { AlertView, ReadingsPage, VitalsEvent } from '#contracts';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, get } from '../api';
import { useWard, useWardConnection } from '../ward/ward-context';
import type { ChartRules, ProtocolRecord, SessionRecord } from './records';

export interface SessionRecordState {
  session: SessionRecord | null;
  readings: VitalsEvent[];
  downsampled: boolean;
  alerts: AlertView[];
  rules: ChartRules | null;
  problem: string | null;
  setSession: (session: SessionRecord) => void;
  reloadAlerts: () => void;
}

/**
 * A session's record for its page: loaded over REST, then kept live from the ward socket. Loaded
 * again after every snapshot, i.e. after a reconnect, so a gap in the link leaves no gap in the chart.
 */
export function useSessionRecord(sessionId: string): SessionRecordState {
  const connection = useWardConnection();
  const { snapshotAt, board } = useWard();
  const livePhase = board.get(sessionId)?.session.phase;
  const [session, setSession] = useState<SessionRecord | null>(null);
  const [page, setPage] = useState<{ readings: VitalsEvent[]; downsampled: boolean }>({
    readings: [],
    downsampled: false,
  });
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  const [rules, setRules] = useState<ChartRules | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const fail = useCallback((error: unknown) => {
    setProblem(
      error instanceof ApiError && error.code === 'not_found'
        ? 'This session was not found. It may belong to another site.'
        : error instanceof Error
          ? error.message
          : 'The session could not be loaded.',
    );
  }, []);

  const reloadAlerts = useCallback(() => {
    get<AlertView[]>(`/sessions/${sessionId}/alerts`).then(setAlerts, fail);
  }, [sessionId, fail]);

  useEffect(() => {
    get<SessionRecord>(`/sessions/${sessionId}`).then(setSession, fail);
  }, [sessionId, livePhase, fail]);

  useEffect(() => {
    if (snapshotAt === null) return;
    get<ReadingsPage>(`/sessions/${sessionId}/readings?maxPoints=1000`).then(({ readings, downsampled }) => {
      // Live readings that came while the request was under way are kept.
      const last = readings.length ? Date.parse(readings.at(-1)!.recordedAt) : -Infinity;
      setPage((current) => ({
        downsampled,
        readings: [...readings, ...current.readings.filter((r) => Date.parse(r.recordedAt) > last)],
      }));
    }, fail);
    reloadAlerts();
  }, [sessionId, snapshotAt, reloadAlerts, fail]);

  const protocolId = session?.protocolId;
  useEffect(() => {
    if (!protocolId) return;
    get<ProtocolRecord[]>('/protocols').then(
      (protocols) => setRules(protocols.find((p) => p.id === protocolId)?.rules ?? null),
      () => setRules(null), // the chart then draws the baseline without its limits
    );
  }, [protocolId]);

  useEffect(() => {
    const offVitals = connection.onVitals((vitals) => {
      if (vitals.sessionId === sessionId)
        setPage((current) => ({ ...current, readings: inserted(current.readings, vitals) }));
    });
    // An alert event carries the contract's fields; the list also shows notes and durations, so it is fetched.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offAlert = connection.onAlert((alert) => {
      if (alert.sessionId !== sessionId) return;
      clearTimeout(timer);
      timer = setTimeout(reloadAlerts, 200);
    });
    return () => {
      offVitals();
      offAlert();
      clearTimeout(timer);
    };
  }, [connection, sessionId, reloadAlerts]);

  return { session, ...page, alerts, rules, problem, setSession, reloadAlerts };
}

/** Readings arrive in time order nearly always; a late one is put in its place. */
function inserted(readings: VitalsEvent[], reading: VitalsEvent): VitalsEvent[] {
  const at = Date.parse(reading.recordedAt);
  let index = readings.length;
  while (index > 0 && Date.parse(readings[index - 1]!.recordedAt) > at) index--;
  if (readings[index - 1]?.seq === reading.seq) return readings;
  return [...readings.slice(0, index), reading, ...readings.slice(index)];
}
