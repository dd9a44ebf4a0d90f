import { checkReading, sameReading } from './reading.js';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const base = { seq: 1, recordedAt: '2026-11-21T09:59:58Z' };

function errorOf(input: unknown) {
  const result = checkReading(input, NOW);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('checkReading', () => {
  it('accepts a reading with one measurement and fills the rest with null', () => {
    const result = checkReading({ ...base, hr: 72 }, NOW);
    expect(result).toEqual({
      ok: true,
      reading: {
        seq: 1,
        recordedAtMs: NOW - 2000,
        hr: 72,
        sbp: null,
        dbp: null,
        map: null,
        spo2: null,
        rr: null,
        temp: null,
      },
    });
  });

  it('accepts 0 (no signal) as a value', () => {
    expect(checkReading({ ...base, hr: 0, spo2: 0 }, NOW).ok).toBe(true);
  });

  it('accepts every range at its limits', () => {
    expect(checkReading({ ...base, hr: 300, sbp: 300, dbp: 250, map: 250, spo2: 100, rr: 100, temp: 45 }, NOW).ok).toBe(
      true,
    );
    expect(checkReading({ ...base, hr: 0, sbp: 0, dbp: 0, map: 0, spo2: 0, rr: 0, temp: 25 }, NOW).ok).toBe(true);
  });

  it.each([
    ['hr', 300.1],
    ['hr', -1],
    ['sbp', 301],
    ['dbp', 251],
    ['map', 251],
    ['spo2', 100.5],
    ['rr', 101],
    ['temp', 24.9],
    ['temp', 45.1],
  ])('refuses %s = %p with the field named', (field, value) => {
    expect(errorOf({ ...base, [field]: value })).toMatchObject({ code: 'validation_failed', field });
  });

  it.each([NaN, Infinity, -Infinity, '72', true, {}, []])(
    'refuses a measurement that is not a finite number: %p',
    (value) => {
      expect(errorOf({ ...base, hr: value })).toMatchObject({ code: 'validation_failed', field: 'hr' });
    },
  );

  it('needs at least one measurement', () => {
    expect(errorOf({ ...base })).toMatchObject({ field: 'reading' });
    expect(errorOf({ ...base, hr: null, spo2: null })).toMatchObject({ field: 'reading' });
  });

  it('needs dbp below sbp when both are measured', () => {
    expect(errorOf({ ...base, sbp: 120, dbp: 120 })).toMatchObject({ field: 'dbp' });
    expect(checkReading({ ...base, sbp: 0, dbp: 80 }, NOW).ok).toBe(true);
    expect(checkReading({ ...base, sbp: 121, dbp: 120 }, NOW).ok).toBe(true);
  });

  it.each([-1, 1.5, '1', null, 2 ** 53])('refuses seq %p', (seq) => {
    expect(errorOf({ ...base, seq, hr: 70 })).toMatchObject({ field: 'seq' });
  });

  it.each(['2026-11-21T09:59:58', '21/11/2026', '2026-13-45T99:00:00Z', 42, 'x'.repeat(1_000_000)])(
    'refuses recordedAt %p',
    (recordedAt) => {
      expect(errorOf({ ...base, recordedAt, hr: 70 })).toMatchObject({ field: 'recordedAt' });
    },
  );

  it('refuses unknown fields, including __proto__ and constructor', () => {
    expect(errorOf({ ...base, hr: 70, extra: 1 })).toMatchObject({ field: 'extra' });
    expect(
      errorOf(JSON.parse('{"seq":1,"recordedAt":"2026-11-21T09:59:58Z","hr":70,"__proto__":{"x":1}}')),
    ).toMatchObject({
      field: '__proto__',
    });
    expect(errorOf({ ...base, hr: 70, constructor: 1 })).toMatchObject({ field: 'constructor' });
  });

  it.each([null, undefined, 42, 'reading', [], new Date()])('refuses a non-object %p', (input) => {
    expect(errorOf(input)).toMatchObject({ code: 'validation_failed' });
  });

  it('refuses readings more than 5 minutes ahead of the server clock as clock_skew', () => {
    expect(checkReading({ seq: 1, recordedAt: new Date(NOW + 300_000).toISOString(), hr: 70 }, NOW).ok).toBe(true);
    expect(errorOf({ seq: 1, recordedAt: new Date(NOW + 300_001).toISOString(), hr: 70 })).toMatchObject({
      code: 'clock_skew',
    });
  });

  it('accepts offsets other than Z', () => {
    const result = checkReading({ seq: 1, recordedAt: '2026-11-21T11:59:58+02:00', hr: 70 }, NOW);
    expect(result.ok && result.reading.recordedAtMs).toBe(NOW - 2000);
  });
});

describe('sameReading', () => {
  const check = (input: object) => {
    const result = checkReading(input, NOW);
    if (!result.ok) throw new Error('invalid');
    return result.reading;
  };
  it('treats absent and null alike and compares every field', () => {
    expect(sameReading(check({ ...base, hr: 70 }), check({ ...base, hr: 70, spo2: null }))).toBe(true);
    expect(sameReading(check({ ...base, hr: 70 }), check({ ...base, hr: 71 }))).toBe(false);
    expect(
      sameReading(check({ ...base, hr: 70 }), check({ ...base, recordedAt: '2026-11-21T09:59:59Z', hr: 70 })),
    ).toBe(false);
  });
});
