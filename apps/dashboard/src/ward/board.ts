import type { Alert, SessionSummary, VitalsEvent } from '#contracts';
import { addVitals, emptyTrack, TILE_VITALS, type TileVital, type VitalTrack } from './vital-track';

/** One chair on the ward board: its session, its recent vitals and its alerts. */
export interface Tile {
  session: SessionSummary;
  vitals: Record<TileVital, VitalTrack>;
  /** The newest state of each alert heard of, resolved ones included (see `merge`); show `openAlerts`. */
  alerts: Alert[];
}

export type Board = ReadonlyMap<string, Tile>;

const CLOSED = new Set(['discharged', 'aborted']);
const emptyTracks = () => Object.fromEntries(TILE_VITALS.map((v) => [v, emptyTrack()])) as Tile['vitals'];

/** A new snapshot replaces the board: after a reconnect nothing from before it is trusted. */
export function boardFromSnapshot(sessions: SessionSummary[]): Board {
  return new Map(
    sessions.map((session) => [
      session.id,
      {
        session,
        vitals: session.latestVitals ? addVitals(emptyTracks(), session.latestVitals) : emptyTracks(),
        alerts: session.openAlerts,
      },
    ]),
  );
}

export function withVitals(board: Board, vitals: Pick<VitalsEvent, 'sessionId' | 'recordedAt' | TileVital>): Board {
  const tile = board.get(vitals.sessionId);
  if (!tile) return board;
  return new Map(board).set(vitals.sessionId, { ...tile, vitals: addVitals(tile.vitals, vitals) });
}

/** Readings fetched after a snapshot (the snapshot holds only the newest one): fills trends and the last BP. */
export function withHistory(board: Board, sessionId: string, readings: VitalsEvent[]): Board {
  const tile = board.get(sessionId);
  if (!tile) return board;
  const vitals = readings.reduce((tracks, reading) => addVitals(tracks, reading), tile.vitals);
  return new Map(board).set(sessionId, { ...tile, vitals });
}

export function withSession(board: Board, session: SessionSummary): Board {
  const next = new Map(board);
  if (CLOSED.has(session.phase)) {
    next.delete(session.id);
    return next;
  }
  const tile = board.get(session.id);
  next.set(session.id, {
    session,
    vitals: tile?.vitals ?? emptyTracks(),
    alerts: merge(tile?.alerts ?? [], session.openAlerts),
  });
  return next;
}

export function withAlert(board: Board, alert: Alert): Board {
  const tile = board.get(alert.sessionId);
  if (!tile) return board;
  return new Map(board).set(alert.sessionId, { ...tile, alerts: merge(tile.alerts, [alert]) });
}

export const openAlerts = (tile: Tile): Alert[] => tile.alerts.filter((a) => a.state !== 'resolved');

/**
 * Per alert the newest state wins. A session event's summary may be older than an alert event that
 * came before it, so an alert leaves the board only by its own `resolved` state, never by omission,
 * and a resolved one is remembered so that an older summary cannot bring it back.
 */
function merge(known: Alert[], incoming: Alert[]): Alert[] {
  const byId = new Map(known.map((a) => [a.id, a]));
  for (const alert of incoming) {
    const previous = byId.get(alert.id);
    if (!previous || Date.parse(previous.lastChangedAt) <= Date.parse(alert.lastChangedAt)) byId.set(alert.id, alert);
  }
  return [...byId.values()].sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
}
