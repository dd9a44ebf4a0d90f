import type { Alert } from './alerts.js';
import type { BatchAck, Reading, ReadingAck, VitalsEvent } from './readings.js';
import type { Phase, SessionSummary } from './sessions.js';

/** `/devices`: what the server sends to a device. */
export interface DeviceServerEvents {
  resume: (payload: { lastSeq: number | null; sessionId: string | null }) => void;
  session: (payload: { sessionId: string | null; phase: Phase | null }) => void;
}

/** `/devices`: what a device sends, each with an acknowledgement callback. */
export interface DeviceClientEvents {
  reading: (reading: Reading, ack: (result: ReadingAck) => void) => void;
  readings: (readings: Reading[], ack: (result: BatchAck) => void) => void;
}

/** `/ward`: what the server sends to a dashboard. */
export interface WardServerEvents {
  snapshot: (payload: { sessions: SessionSummary[] }) => void;
  vitals: (payload: VitalsEvent) => void;
  alert: (payload: Alert) => void;
  session: (payload: SessionSummary) => void;
  /**
   * Sent just before the service closes the socket because the user's access ended: their token
   * expired or was signed out, their password changed, they were deactivated. Sign in again.
   */
  signed_out: (payload: { reason: WardSignOutReason; message: string }) => void;
}

export type WardSignOutReason =
  'token_expired' | 'signed_out' | 'signed_out_everywhere' | 'password_changed' | 'deactivated';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WardClientEvents {}
