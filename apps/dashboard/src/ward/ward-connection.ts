import type {
  Alert,
  ErrorCode,
  ReadingsPage,
  SessionSummary,
  VitalsEvent,
  WardClientEvents,
  WardServerEvents,
} from '#contracts';
import { io, type Socket } from 'socket.io-client';
import { get } from '../api';
import { boardFromSnapshot, withAlert, withHistory, withSession, withVitals, type Board } from './board';

export type LinkStatus = 'connecting' | 'live' | 'lost';

export interface WardState {
  status: LinkStatus;
  /** When the link was lost (ms), for the banner. */
  lostAt: number | null;
  /** Set on every snapshot: the board was rebuilt from the service's own account. */
  snapshotAt: number | null;
  board: Board;
}

type Listener<T> = (event: T) => void;

/** How far back a tile looks when it is rebuilt: enough for a trend and the last cuff reading. */
const HISTORY_MS = 15 * 60_000;
const RETRY_MS = 3000;

/**
 * The `/ward` socket and the board it keeps. The board is rebuilt from each `snapshot` (the first
 * one and the one after every reconnect) and kept live from `vitals`, `session` and `alert`.
 */
export class WardConnection {
  private readonly socket: Socket<WardServerEvents, WardClientEvents>;
  private state: WardState = { status: 'connecting', lostAt: null, snapshotAt: null, board: new Map() };
  private readonly listeners = new Set<() => void>();
  private readonly vitalsListeners = new Set<Listener<VitalsEvent>>();
  private readonly alertListeners = new Set<Listener<Alert>>();
  private retry: ReturnType<typeof setTimeout> | undefined;
  private signedOut = false;

  /** `onSignedOut` gets why, in words, when the service ended the sign-in. */
  constructor(token: string, onSignedOut: (why: string) => void) {
    // WebSocket only, like the monitors: no long-polling fallback to hold connections open (a browser
    // on long-polling keeps the service's graceful shutdown waiting for its 20 s limit).
    this.socket = io('/ward', { auth: { token }, transports: ['websocket'] });
    this.socket.on('snapshot', ({ sessions }) => this.rebuild(sessions));
    this.socket.on('vitals', (vitals) => {
      this.update({ board: withVitals(this.state.board, vitals) });
      for (const listener of this.vitalsListeners) listener(vitals);
    });
    this.socket.on('session', (session) => this.update({ board: withSession(this.state.board, session) }));
    this.socket.on('alert', (alert) => {
      this.update({ board: withAlert(this.state.board, alert) });
      for (const listener of this.alertListeners) listener(alert);
    });
    this.socket.on('signed_out', ({ message }) => {
      this.signedOut = true;
      onSignedOut(`Signed out: ${message}`);
    });
    this.socket.on('disconnect', (reason) => {
      this.markLost();
      // Closed by the service without a sign-out (it could not send a snapshot): socket.io does not
      // reconnect on its own after that; the handshake will say whether the sign-in still holds.
      if (reason === 'io server disconnect' && !this.signedOut)
        this.retry = setTimeout(() => this.socket.connect(), RETRY_MS);
    });
    this.socket.on('connect_error', (error) => {
      this.markLost();
      // The handshake's refusal carries its code (ERROR_CODES) in `data`; a network failure has none.
      const code = (error as Error & { data?: { code?: ErrorCode } }).data?.code;
      if (code === 'unauthorized') return onSignedOut('Your sign-in has ended.');
      // A refusal by the service's handshake (e.g. its database is down) is not retried by socket.io itself.
      if (!this.socket.active) this.retry = setTimeout(() => this.socket.connect(), RETRY_MS);
    });
  }

  readonly getState = (): WardState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onVitals(listener: Listener<VitalsEvent>): () => void {
    this.vitalsListeners.add(listener);
    return () => this.vitalsListeners.delete(listener);
  }

  onAlert(listener: Listener<Alert>): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.retry);
    this.socket.disconnect();
    this.listeners.clear();
  }

  private rebuild(sessions: SessionSummary[]): void {
    this.update({ status: 'live', lostAt: null, snapshotAt: Date.now(), board: boardFromSnapshot(sessions) });
    // The snapshot holds only each session's newest reading; the last BP and the trends need a little more.
    const from = new Date(Date.now() - HISTORY_MS).toISOString();
    for (const session of sessions) {
      get<ReadingsPage>(`/sessions/${session.id}/readings?from=${from}&maxPoints=400`).then(
        ({ readings }) => this.update({ board: withHistory(this.state.board, session.id, readings) }),
        () => undefined, // the tile still shows the newest reading from the snapshot
      );
    }
  }

  private markLost(): void {
    if (this.state.status === 'lost') return;
    this.update({ status: 'lost', lostAt: Date.now() });
  }

  private update(change: Partial<WardState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}
