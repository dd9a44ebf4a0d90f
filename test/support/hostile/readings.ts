import { MEASUREMENTS } from '../../../libs/contracts/src/index';
import { MEASUREMENT_RANGES } from '../../../libs/vitals/src/index';
import { reading } from '../api';
import { CONSTRUCTOR, DEEP_ARRAY, DEEP_OBJECT, NEAR_MB, PROTO, TEN_THOUSAND, show, withKeys } from './values';

// Hostile readings for the device namespace, generated from the suite's seed. (The hostile-input suite: suite.ts.)

export type ReadingCode = 'validation_failed' | 'clock_skew';
export interface ReadingCase {
  label: string;
  payload: unknown;
  code: ReadingCode;
}

/** One way to break a reading. `fields` are the keys it touches (mutations combined touch different keys). */
export interface Mutation {
  label: string;
  fields: string[];
  code: ReadingCode;
  /** Large (≈1 MB or 10,000 elements): used once, never in random combinations. */
  heavy?: boolean;
  /** Carries a binary attachment (socket.io takes at most 10 per message). */
  binary?: boolean;
  apply: (reading: Record<string, unknown>) => void;
}

// Valid readings are dated within the 5 minutes a device's clock may be off its session's start
// (clock_skew otherwise): from 4 minutes back, 10 ms apart.
export const HOSTILE_START = Date.now() - 240_000;
export let hostileSeq = 0;

/** seq and recordedAt of a plausible reading, fresh each time. */
export function skeleton(): Record<string, unknown> {
  hostileSeq++;
  return { seq: hostileSeq, recordedAt: new Date(HOSTILE_START + hostileSeq * 10).toISOString() };
}

export const setField =
  (field: string, value: unknown) =>
  (target: Record<string, unknown>): void => {
    Object.defineProperty(target, field, { value, enumerable: true, writable: true, configurable: true });
  };

/** Values that are not a finite number in any encoding: strings, booleans, containers, binary, prototypes. */
export const NOT_NUMBERS: [string, unknown, boolean?][] = [
  ['string "70"', '70'],
  ['empty string', ''],
  ['string "NaN"', 'NaN'],
  ['string "Infinity"', 'Infinity'],
  ['string "-Infinity"', '-Infinity'],
  ['string "1e400"', '1e400'],
  ['true', true],
  ['false', false],
  ['[]', []],
  ['[70]', [70]],
  ['{}', {}],
  ['{value:70}', { value: 70 }],
  ['{$gt:0}', { $gt: 0 }],
  ['Buffer (binary attachment)', Buffer.from([70])],
  ['Float64Array [NaN] (binary)', new Float64Array([Number.NaN])],
  ['Float64Array [Infinity] (binary)', new Float64Array([Number.POSITIVE_INFINITY])],
  ['string with NUL', '7\u00000'],
  ['lone surrogate', '\ud800'],
  ['object with __proto__ key', PROTO],
  ['object with constructor key', CONSTRUCTOR],
  ['~1 MB string', NEAR_MB, true],
  ['10,000-element array', TEN_THOUSAND, true],
  ['array nested 1,000 deep', DEEP_ARRAY, true],
  ['object nested 1,000 deep', DEEP_OBJECT, true],
];
/** Numbers JSON cannot carry: they arrive as null (not measured), so a reading with nothing else has no measurement. */
export const JSON_NULLS: [string, unknown][] = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

export function readingMutations(): Mutation[] {
  const out: Mutation[] = [];
  const bad = (field: string, label: string, value: unknown, heavy = false, code: ReadingCode = 'validation_failed') =>
    out.push({
      label: `${field} ${label}`,
      fields: [field],
      code,
      heavy,
      binary: ArrayBuffer.isView(value),
      apply: setField(field, value),
    });

  // seq: an integer ≥ 0 that is safe in JavaScript.
  for (const v of [
    -1,
    -0.5,
    0.5,
    1.5,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 64,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ])
    bad('seq', show(v), v);
  for (const [label, v, heavy] of [...NOT_NUMBERS, ...JSON_NULLS]) bad('seq', label, v, heavy);
  bad('seq', 'null', null);
  out.push({ label: 'seq missing', fields: ['seq'], code: 'validation_failed', apply: (r) => delete r.seq });
  out.push({
    label: 'seq -0 with recordedAt garbage',
    fields: ['seq', 'recordedAt'],
    code: 'validation_failed',
    apply: (r) => Object.assign(r, { seq: -0, recordedAt: 'garbage' }),
  });

  // recordedAt: ISO 8601 with an offset, a real calendar date-time, not more than 5 minutes ahead.
  const times: unknown[] = [
    null,
    0,
    Date.now(),
    'yesterday',
    '',
    ' ',
    'now',
    'Invalid Date',
    'NaN',
    '2026-01-01',
    '2026-01-01T00:00:00',
    '2026-01-01 00:00:00Z',
    '2026-01-01T00:00Z',
    '2026-01-01T00:00:00z',
    '2026-02-29T10:00:00Z',
    '2026-02-30T10:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T00:00:60Z',
    '2026-01-01T00:00:00+24:00',
    '2026-01-01T00:00:00+99:99',
    '+275760-09-13T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '2026-01-01T00:00:00.1234567890Z',
    '2026-01-01T00:00:00.Z',
    '２０２６-01-01T00:00:00Z',
    ' 2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00Z ',
    '2026-01-01T00:00:00Z\u0000',
    '2026-01-01T00:00:00\ud800Z',
    'T'.repeat(41),
    ['2026-01-01T00:00:00Z'],
    { $date: '2026-01-01T00:00:00Z' },
    Buffer.from('2026-01-01T00:00:00Z'),
  ];
  for (const v of times) bad('recordedAt', show(v), v);
  for (const [label, v, heavy] of NOT_NUMBERS) if (heavy) bad('recordedAt', label, v, true);
  out.push({
    label: 'recordedAt missing',
    fields: ['recordedAt'],
    code: 'validation_failed',
    apply: (r) => delete r.recordedAt,
  });
  const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();
  for (const [label, v] of [
    ['10 minutes ahead', ahead(10 * 60_000)],
    ['one day ahead', ahead(86_400_000)],
    ['year 2100', '2100-01-01T00:00:00Z'],
    ['year 9999', '9999-12-31T23:59:59Z'],
    ['10 minutes ahead, +14:00', ahead(10 * 60_000).replace('Z', '+00:00')],
  ] as const)
    bad('recordedAt', label, v, false, 'clock_skew');

  // Measurements: a finite number in range, or null/absent.
  for (const m of MEASUREMENTS) {
    const { min, max } = MEASUREMENT_RANGES[m];
    const outOfRange = [min - 1, min - 1e-9, max + 1e-9, max + 1, -1, 1e21, 1e308, -1e308, Number.MAX_VALUE];
    outOfRange.push(-Number.MAX_VALUE, 2 ** 53 + 1, -(2 ** 53 + 1));
    if (m === 'temp') outOfRange.push(0, -0, Number.MIN_VALUE, 24.999, 98.6, 310.15);
    for (const v of outOfRange) bad(m, show(v), v);
    for (const [label, v, heavy] of [...NOT_NUMBERS, ...JSON_NULLS]) bad(m, label, v, heavy);
  }
  out.push({
    label: 'every measurement null',
    fields: [...MEASUREMENTS],
    code: 'validation_failed',
    apply: (r) => MEASUREMENTS.forEach((m) => (r[m] = null)),
  });
  out.push({ label: 'no measurement at all', fields: [...MEASUREMENTS], code: 'validation_failed', apply: () => {} });
  for (const [sbp, dbp] of [
    [120, 120],
    [120, 121],
    [1, 250],
    [80.5, 80.5],
    [0.1, 0.2],
    [250, 250],
  ])
    out.push({
      label: `dbp ${dbp} ≥ sbp ${sbp}`,
      fields: ['sbp', 'dbp'],
      code: 'validation_failed',
      apply: (r) => Object.assign(r, { sbp, dbp }),
    });

  // Fields the contract does not have.
  const extraKeys = ['note', 'HR', 'Hr', 'hr ', ' hr', '', ' ', 'recorded_at', 'RecordedAt', 'sessionId', 'deviceId'];
  extraKeys.push('id', 'ok', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty');
  extraKeys.push('__defineGetter__', 'then', 'length', '0', '$where', "'; DROP TABLE readings; --", 'hr\u0000');
  extraKeys.push('\u0000', '\ud800', '😀', 'a.b', 'a[b]', 'a'.repeat(10_000));
  const extraValues = [1, 'x', null, {}, [], true, { polluted: true }];
  extraKeys.forEach((key, i) =>
    out.push({
      label: `extra field ${show(key)}`,
      fields: [key],
      code: 'validation_failed',
      apply: setField(key, extraValues[i % extraValues.length]),
    }),
  );
  out.push({
    label: '10,000 extra fields',
    fields: ['k0'],
    code: 'validation_failed',
    heavy: true,
    apply: (r) => TEN_THOUSAND.forEach((i) => (r[`k${i}`] = i)),
  });
  return out;
}

/** Payloads that are not a reading object at all. */
export function notReadings(): [string, unknown, boolean?][] {
  const valid = reading(1);
  return [
    ['null', null],
    ['undefined (null in JSON)', undefined],
    ['0', 0],
    ['-1', -1],
    ['NaN', Number.NaN],
    ['empty string', ''],
    ['"reading"', 'reading'],
    ['a reading as a JSON string', JSON.stringify(valid)],
    ['true', true],
    ['[]', []],
    ['[reading]', [valid]],
    ['[[reading]]', [[valid]]],
    ['{reading}', { reading: valid }],
    ['{data: reading}', { data: valid }],
    ['Buffer of a reading (binary)', Buffer.from(JSON.stringify(valid))],
    ['empty Uint8Array (binary)', new Uint8Array(0)],
    ['Float64Array [NaN, Infinity, -0] (binary)', new Float64Array([Number.NaN, Number.POSITIVE_INFINITY, -0])],
    ['Date', new Date()],
    ['Map', new Map([['hr', 70]])],
    ['{__proto__: reading}', withKeys([['__proto__', valid]])],
    ['{constructor: …}', CONSTRUCTOR],
    ['~1 MB string', NEAR_MB, true],
    ['10,000-element array of readings', Array.from({ length: 10_000 }, (_, i) => reading(i + 1)), true],
    ['10,000-element array of numbers', TEN_THOUSAND, true],
    ['array nested 1,000 deep', DEEP_ARRAY, true],
    ['object nested 1,000 deep', DEEP_OBJECT, true],
  ];
}

/** Builds a reading from mutations on a fresh skeleton; the expected answer follows from them. */
export function mutated(mutations: Mutation[]): ReadingCase {
  const target = skeleton();
  const touchesMeasurement = mutations.some((m) =>
    m.fields.some((f) => (MEASUREMENTS as readonly string[]).includes(f)),
  );
  // With nothing else measured, a measurement that JSON turns into null leaves no measurement: still invalid.
  if (!touchesMeasurement) target.hr = 72;
  for (const mutation of mutations) mutation.apply(target);
  const code = mutations.every((m) => m.code === 'clock_skew') ? 'clock_skew' : 'validation_failed';
  return { label: mutations.map((m) => m.label).join(' + '), payload: target, code };
}

/** Every mutation once, every non-reading payload once, then random combinations of 1–3 mutations. */
export function generateReadingCases(count: number, random: () => number): ReadingCase[] {
  const catalogue = readingMutations();
  const out: ReadingCase[] = catalogue.map((m) => mutated([m]));
  for (const [label, payload] of notReadings()) out.push({ label, payload, code: 'validation_failed' });
  const light = catalogue.filter((m) => !m.heavy);
  while (out.length < count) out.push(mutated(combination(light, random)));
  return out;
}

export function combination(mutations: Mutation[], random: () => number): Mutation[] {
  const want = 1 + Math.floor(random() * 3);
  const chosen: Mutation[] = [];
  const touched = new Set<string>();
  for (let tries = 0; chosen.length < want && tries < 20; tries++) {
    const candidate = mutations[Math.floor(random() * mutations.length)]!;
    if (candidate.fields.some((f) => touched.has(f))) continue;
    chosen.push(candidate);
    candidate.fields.forEach((f) => touched.add(f));
  }
  return chosen;
}

/**
 * The same hostile readings written as raw JSON text, as socket.io-client never would: numbers
 * beyond a double (`1e309` parses as Infinity), duplicate keys, escaped key names, deep nesting.
 */
export function rawReadingTexts(random: () => number): { label: string; text: string; code: ReadingCode }[] {
  const out: { label: string; text: string; code: ReadingCode }[] = [];
  const head = () => {
    const s = skeleton();
    return `"seq":${s.seq as number},"recordedAt":"${s.recordedAt as string}"`;
  };
  const add = (label: string, text: string, code: ReadingCode = 'validation_failed') => out.push({ label, text, code });
  for (const m of MEASUREMENTS) {
    for (const literal of ['1e309', '-1e309', '1E400', '123456789012345678901234567890', '-99999999999999999999'])
      add(`${m} ${literal}`, `{${head()},"${m}":${literal}}`);
    add(`${m} 400,000-digit number`, `{${head()},"${m}":${'9'.repeat(400_000)}}`);
    add(`${m} nested 100,000 deep`, `{${head()},"${m}":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  }
  for (const literal of ['1e-400', '-0', '-0.0', '0e10', '-1e-400'])
    add(`temp ${literal}`, `{${head()},"temp":${literal}}`);
  for (const literal of ['9007199254740993', '1e309', '-1e309', '1.0000000000000002', '18446744073709551616', '-0.5'])
    add(`seq ${literal}`, `{"seq":${literal},"recordedAt":"2026-01-01T00:00:00Z","hr":70}`);
  add('duplicate hr, last out of range', `{${head()},"hr":70,"hr":500}`);
  add('duplicate seq, last negative', `{${head()},"seq":-1,"hr":70}`);
  add('duplicate recordedAt, last garbage', `{${head()},"recordedAt":"garbage","hr":70}`);
  add('escaped key h\\u0072 out of range', `{${head()},"h\\u0072":500}`);
  add('escaped key \\u0068\\u0072 negative', `{${head()},"\\u0068\\u0072":-1}`);
  add('__proto__ key', `{${head()},"hr":70,"__proto__":{"hr":70}}`);
  add('escaped __proto__ key', `{${head()},"hr":70,"__pro\\u0074o__":{}}`);
  add('constructor.prototype', `{${head()},"hr":70,"constructor":{"prototype":{"polluted":true}}}`);
  add('recordedAt with escaped NUL', `{"seq":1,"recordedAt":"2026-01-01T00:00:00\\u0000Z","hr":70}`);
  add('recordedAt with escaped lone surrogate', `{"seq":1,"recordedAt":"\\ud800","hr":70}`);
  add('recordedAt with escaped newline', `{"seq":1,"recordedAt":"2026-01-01T00:00:00Z\\n","hr":70}`);
  add('array nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  add('object nested 50,000 deep', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
  add('~900 kB of whitespace around a bad reading', `{${' '.repeat(900_000)}${head()},"hr":-1}`);
  // Generated hostile readings, re-encoded with every key written as \u escapes.
  const light = readingMutations().filter((m) => !m.heavy);
  const escapeKey = (key: string) =>
    [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  for (let i = 0; i < 200; i++) {
    const c = mutated(combination(light, random));
    const json = JSON.stringify(c.payload);
    add(
      `escaped keys: ${c.label}`,
      json.replace(/"([^"\\]*)":/g, (_m, key: string) => `"${escapeKey(key)}":`),
      c.code,
    );
  }
  return out;
}
