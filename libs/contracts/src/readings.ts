import type { ErrorCode } from './errors.js';

/** Measurement fields a monitor may send, in the units of the contract. */
export const MEASUREMENTS = ['hr', 'sbp', 'dbp', 'map', 'spo2', 'rr', 'temp'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export type Measurements = { [K in Measurement]?: number | null };

/** Every measurement present, `null` when not measured. */
export type MeasuredValues = { [K in Measurement]: number | null };

/** A reading as a device sends it. */
export interface Reading extends Measurements {
  seq: number;
  recordedAt: string;
}

/** The codes of ERROR_CODES a device acknowledgement may carry. */
export const READING_ERROR_CODES = [
  'validation_failed',
  'no_active_session',
  'seq_conflict',
  'clock_skew',
  'rate_limited',
  'unavailable',
] as const satisfies readonly ErrorCode[];
export type ReadingErrorCode = (typeof READING_ERROR_CODES)[number];

export interface AckError {
  code: ReadingErrorCode;
  message: string;
  field?: string;
}

export type ReadingAck =
  { ok: true; seq: number; duplicate: boolean } | { ok: false; seq: number | null; error: AckError };

export type BatchAck = { ok: true; results: ReadingAck[] } | { ok: false; error: AckError };

/** A stored reading as the ward and REST see it: every measurement present, `null` when not measured. */
export interface VitalsEvent extends MeasuredValues {
  sessionId: string;
  seq: number;
  recordedAt: string;
}

export const MAX_BATCH_READINGS = 500;

/** The codes after which a device keeps the reading and sends it again later. */
export const RESEND_LATER_CODES: readonly ReadingErrorCode[] = ['unavailable', 'rate_limited'];

/**
 * How long a device waits before its `attempt`-th resend (1, 2, …) of readings answered
 * `unavailable` or `rate_limited`, or not answered: 1 s, 2 s, 4 s, then 8 s at most, each between
 * half and one and a half times that, so that the monitors of a clinic, refused together (a
 * database restart, a failover), do not all come back in the same second.
 */
export function resendDelayMs(attempt: number, random: () => number = Math.random): number {
  return 1000 * 2 ** Math.min(Math.max(attempt, 1) - 1, 3) * (0.5 + random());
}
