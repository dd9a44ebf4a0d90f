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
