import { MEASUREMENTS, type AckError, type MeasuredValues } from '#contracts';
import { isIsoDateTimeShape, parseIsoDateTime } from './iso-time.js';
import { MAX_CLOCK_AHEAD_MS, MEASUREMENT_RANGES } from './ranges.js';

/** A reading that passed validation: every measurement present, `null` when not measured. */
export interface ValidReading extends MeasuredValues {
  seq: number;
  recordedAtMs: number;
}

export type ReadingCheck = { ok: true; reading: ValidReading } | { ok: false; seq: number | null; error: AckError };

const ALLOWED_KEYS = new Set<string>(['seq', 'recordedAt', ...MEASUREMENTS]);
function fail(seq: number | null, field: string, message: string): ReadingCheck {
  return { ok: false, seq, error: { code: 'validation_failed', field, message } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Checks one reading against the device protocol. Pure: `nowMs` is the server's clock.
 * Never throws, whatever the input.
 */
export function checkReading(input: unknown, nowMs: number): ReadingCheck {
  if (!isPlainObject(input)) return fail(null, 'reading', 'a reading must be an object');
  const rawSeq = Object.prototype.hasOwnProperty.call(input, 'seq') ? input.seq : undefined;
  const seq = typeof rawSeq === 'number' && Number.isSafeInteger(rawSeq) && rawSeq >= 0 ? rawSeq : null;
  if (seq === null) return fail(null, 'seq', 'seq must be an integer ≥ 0');

  for (const key of Object.keys(input)) {
    if (!ALLOWED_KEYS.has(key)) return fail(seq, key, `unknown field "${key.slice(0, 40)}"`);
  }

  const recordedAt = input.recordedAt;
  if (!isIsoDateTimeShape(recordedAt)) {
    return fail(seq, 'recordedAt', 'recordedAt must be an ISO 8601 date-time with an offset');
  }
  const recordedAtMs = parseIsoDateTime(recordedAt);
  if (recordedAtMs === null) {
    return fail(seq, 'recordedAt', 'recordedAt is not a valid date-time');
  }

  const values: ValidReading = {
    seq,
    recordedAtMs,
    hr: null,
    sbp: null,
    dbp: null,
    map: null,
    spo2: null,
    rr: null,
    temp: null,
  };
  let measured = 0;
  for (const name of MEASUREMENTS) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return fail(seq, name, `${name} must be a finite number or null`);
    }
    const { min, max } = MEASUREMENT_RANGES[name];
    if (value < min || value > max) return fail(seq, name, `${name} ${value} is outside ${min}–${max}`);
    values[name] = value;
    measured++;
  }
  if (measured === 0) return fail(seq, 'reading', 'a reading needs at least one measurement');
  if (values.sbp !== null && values.dbp !== null && values.sbp > 0 && values.dbp > 0 && values.dbp >= values.sbp) {
    return fail(seq, 'dbp', `dbp ${values.dbp} must be below sbp ${values.sbp}`);
  }

  if (recordedAtMs - nowMs > MAX_CLOCK_AHEAD_MS) {
    return {
      ok: false,
      seq,
      error: { code: 'clock_skew', message: 'recordedAt is more than 5 minutes ahead of the server clock' },
    };
  }
  return { ok: true, reading: values };
}

/** True when two readings carry the same content (used to tell a resend from a `seq_conflict`). */
export function sameReading(a: ValidReading, b: ValidReading): boolean {
  if (a.seq !== b.seq || a.recordedAtMs !== b.recordedAtMs) return false;
  return MEASUREMENTS.every((name) => a[name] === b[name]);
}
