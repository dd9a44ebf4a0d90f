import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BODY_LIMIT, CONSTRUCTOR, MIB, PROTO, TEN_THOUSAND, UUID, nested, show } from './values';

// Hostile REST requests: bad values per field, combinations, and whole bodies that are not JSON. (The hostile-input suite: suite.ts.)

export type FieldKind =
  | { type: 'string'; min: number; max: number; breaksPattern?: string[] }
  | { type: 'uuid' | 'bool' | 'datetime' | 'timezone' | 'uuids' | 'rules' }
  | { type: 'int' | 'number'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'object'; fields: Schema };
export type Field = FieldKind & { optional?: boolean };
export type Schema = Record<string, Field>;
export type Expect = number[] | 'any4xx';

export interface RestCase {
  target: string;
  label: string;
  method: string;
  /** From the origin, e.g. `/api/v1/sites`. */
  path: string;
  token?: string | null;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Defaults to application/json when there is a body; null sends none. */
  contentType?: string | null;
  expect: Expect;
  /** Answered below the API (Node's HTTP parser, engine.io): no contract error body. */
  transport?: boolean;
  /** The service may close the connection instead of answering (an oversized upload). */
  mayClose?: boolean;
}

export const str = (min: number, max: number, breaksPattern?: string[]): Field => ({
  type: 'string',
  min,
  max,
  breaksPattern,
});
export const optional = (field: Field): Field => ({ ...field, optional: true });

export interface BodyEndpoint {
  name: string;
  method: string;
  path: string;
  token: string | null;
  schema: Schema;
  valid: Record<string, unknown>;
}

export interface Bad {
  label: string;
  value: unknown;
  expect: Expect;
}

/** Values of the wrong type, out of range or unstorable, for one field: none of them is valid. */
export function badValues(field: Field): Bad[] {
  const out: Bad[] = [];
  const add = (label: string, value: unknown, expect: Expect = [400]) => out.push({ label, value, expect });
  if (!field.optional) add('null', null);
  if (field.type !== 'bool') {
    add('true', true);
    add('false', false);
  }
  if (field.type !== 'uuids') add('[]', []);
  add('nested 40 deep', nested(40, 1, 'object'));
  add('10,000-element array', TEN_THOUSAND);
  add('object with __proto__ key', PROTO);
  add('object with constructor key', CONSTRUCTOR);
  if (field.type !== 'object' && field.type !== 'rules') add('{}', {});
  switch (field.type) {
    case 'string': {
      const pad = (s: string) => s.padEnd(Math.max(field.min, s.length), 'x');
      add('a number', 42);
      add('1e308', 1e308);
      add('array of strings', ['x']);
      if (field.min >= 1) add('empty string', '');
      if (field.min > 1) add('one character short', 'x'.repeat(field.min - 1));
      add('one character too long', 'x'.repeat(field.max + 1));
      add('50,000 characters', 'x'.repeat(50_000));
      add('1 MiB (over the body limit)', MIB, [413]);
      add('NUL character', pad('ab\u0000cd'));
      add('lone surrogate', pad('ab\ud800cd'));
      add('lone low surrogate', pad('ab\udc00cd'));
      for (const s of field.breaksPattern ?? []) add(`breaks the pattern: ${show(s)}`, s);
      break;
    }
    case 'uuid':
      for (const v of ['not-a-uuid', '', '0', 'null', "' OR '1'='1", `${UUID}x`, `{${UUID}}`, UUID.replace(/-/g, '')])
        add(show(v), v);
      add('one hex digit wrong', `${UUID.slice(0, -1)}g`);
      add('NUL', `${UUID}\u0000`);
      add('a number', 42);
      add('array of uuid', [UUID]);
      add('unknown uuid', randomUUID(), 'any4xx');
      break;
    case 'int':
    case 'number': {
      const step = field.type === 'int' ? 1 : 0.001;
      add('below the minimum', field.min - step);
      add('above the maximum', field.max + step);
      for (const v of [1e308, -1e308, 2 ** 53 + 1]) add(show(v), v);
      add('numeric string', String(field.min));
      add('string', 'abc');
      add('empty string', '');
      add('[min]', [field.min]);
      if (field.type === 'int') add('a fraction', field.min + 0.5);
      if (!field.optional) {
        add('NaN (null in JSON)', Number.NaN);
        add('Infinity (null in JSON)', Number.POSITIVE_INFINITY);
      }
      if (field.min > 0) add('-0', -0);
      break;
    }
    case 'bool':
      for (const v of ['true', 'false', 1, 0, 'yes', '', [true]]) add(show(v), v);
      break;
    case 'enum': {
      const first = field.values[0]!;
      for (const v of [first.toUpperCase(), ` ${first}`, `${first}\u0000`, 'unknown', '', 0, [first]]) add(show(v), v);
      break;
    }
    case 'datetime':
      for (const v of [
        'garbage',
        '',
        '2026-02-30T10:00:00Z',
        '2026-13-01T00:00:00Z',
        '2026-01-01T25:00:00Z',
        'yesterday',
      ])
        add(show(v), v);
      for (const v of [1_767_225_600_000, ['2026-01-01T00:00:00Z'], 'x'.repeat(5000), '2026-01-01T00:00:00Z\u0000'])
        add(show(v), v);
      break;
    case 'timezone':
      for (const v of ['Mars/Olympus', 'UTC+25', '', 42, 'x'.repeat(200), 'Europe/London\u0000', ['UTC']])
        add(show(v), v);
      break;
    case 'uuids':
      add('a string', 'not-an-array');
      add('a bare uuid', UUID);
      for (const v of [[42], ['x'], [UUID, UUID], [[UUID]], [null], { 0: UUID }]) add(show(v), v);
      add(
        '10,000 junk strings',
        Array.from({ length: 10_000 }, () => 'x'),
      );
      add('unknown uuid', [randomUUID()], 'any4xx');
      break;
    case 'object':
      for (const v of ['x', 1, [{}], {}]) add(show(v), v);
      break;
    case 'rules':
      for (const v of ['x', 1, {}, { hrRise: 'x' }, [1]]) add(show(v), v);
      break;
  }
  return out;
}

export const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'id',
  'createdAt',
  'isAdmin',
  'role ',
  'toString',
  '$where',
];
EXTRA_KEYS.push('', 'a'.repeat(1000), 'x\u0000y', '\ud800');

export function withField(
  body: Record<string, unknown>,
  path: string[],
  value: unknown,
  remove = false,
): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (remove) delete target[last];
  else Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Field by field: wrong values, missing required fields, unknown fields (at every level). */
export function bodyCases(endpoint: BodyEndpoint): RestCase[] {
  const out: RestCase[] = [];
  const add = (label: string, body: Record<string, unknown>, expect: Expect) =>
    out.push({
      target: 'REST bodies',
      label: `${endpoint.name} ${label}`,
      method: endpoint.method,
      path: endpoint.path,
      token: endpoint.token,
      body: JSON.stringify(body),
      expect,
      mayClose: expect !== 'any4xx' && expect.includes(413),
    });
  const walk = (schema: Schema, prefix: string[]) => {
    for (const [name, field] of Object.entries(schema)) {
      const path = [...prefix, name];
      const label = path.join('.');
      for (const bad of badValues(field))
        add(`${label} = ${bad.label}`, withField(endpoint.valid, path, bad.value), bad.expect);
      if (!field.optional) add(`${label} missing`, withField(endpoint.valid, path, undefined, true), [400]);
      if (field.type === 'object') {
        walk(field.fields, path);
        for (const key of ['__proto__', 'extra'])
          add(`${label}.${key} added`, withField(endpoint.valid, [...path, key], 1), [400]);
      }
    }
  };
  walk(endpoint.schema, []);
  for (const key of EXTRA_KEYS) add(`unknown field ${show(key)}`, withField(endpoint.valid, [key], 1), [400]);
  return out;
}

/** Seeded combinations of 2–3 top-level fields, each with a bad value. */
export function bodyCombinations(endpoint: BodyEndpoint, count: number, random: () => number): RestCase[] {
  const fields = Object.entries(endpoint.schema).map(([name, field]) => ({
    name,
    bad: badValues(field).filter((b) => b.value !== MIB),
  }));
  const out: RestCase[] = [];
  for (let i = 0; i < count && fields.length > 1; i++) {
    const chosen = [...fields].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 2));
    let body = endpoint.valid;
    const labels: string[] = [];
    let semanticOnly = true;
    for (const { name, bad } of chosen) {
      const pick = bad[Math.floor(random() * bad.length)]!;
      body = withField(body, [name], pick.value);
      labels.push(`${name} = ${pick.label}`);
      semanticOnly &&= pick.expect === 'any4xx';
    }
    const json = JSON.stringify(body);
    out.push({
      target: 'REST bodies',
      label: `${endpoint.name} ${labels.join(' + ')}`,
      method: endpoint.method,
      path: endpoint.path,
      token: endpoint.token,
      body: json,
      // Over the body limit (100 kB) nothing is read; otherwise a value of the wrong shape is refused
      // (400) before an unknown id could be looked up.
      expect: json.length > BODY_LIMIT ? [413] : semanticOnly ? 'any4xx' : [400],
      mayClose: json.length > BODY_LIMIT,
    });
  }
  return out;
}

/** Whole bodies that are not the JSON object the endpoint reads. */
export function wholeBodyCases(endpoint: BodyEndpoint): RestCase[] {
  const valid = JSON.stringify(endpoint.valid);
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const inString = (bad: number[]) => bytes('{"a":"', bad, '"}');
  const list: {
    label: string;
    body: string | Buffer;
    contentType?: string | null;
    headers?: Record<string, string>;
  }[] = [
    { label: 'invalid JSON: truncated', body: '{"a":' },
    { label: 'invalid JSON: trailing comma', body: '{"a":1,}' },
    { label: 'invalid JSON: single quotes', body: "{'a':1}" },
    { label: 'invalid JSON: NaN literal', body: '{"a":NaN}' },
    { label: 'invalid JSON: Infinity literal', body: '{"a":Infinity}' },
    { label: 'invalid JSON: leading zero', body: '{"a":01}' },
    { label: 'invalid JSON: two objects', body: '{"a":1}{"b":2}' },
    { label: 'invalid JSON: comment', body: '// c\n{"a":1}' },
    { label: 'invalid JSON: bad escape', body: '{"a":"\\x41"}' },
    { label: 'invalid JSON: short unicode escape', body: '{"a":"\\u12"}' },
    { label: 'invalid JSON: raw control character', body: '{"a":"line\nbreak"}' },
    { label: 'JSON null', body: 'null' },
    { label: 'JSON string', body: '"x"' },
    { label: 'JSON number', body: '42' },
    { label: 'JSON true', body: 'true' },
    { label: 'JSON array', body: '[]' },
    { label: 'array of the valid body', body: `[${valid}]` },
    { label: '10,000-element array', body: JSON.stringify(TEN_THOUSAND) },
    {
      label: '5,000 unknown keys',
      body: JSON.stringify(Object.fromEntries(TEN_THOUSAND.slice(0, 5000).map((i) => [`k${i}`, i]))),
    },
    { label: 'array nested 40,000 deep', body: `${'['.repeat(40_000)}${']'.repeat(40_000)}` },
    { label: 'object nested 15,000 deep', body: `${'{"a":'.repeat(15_000)}1${'}'.repeat(15_000)}` },
    { label: '2 MB body', body: `{"a":"${'x'.repeat(2_000_000)}"}` },
    { label: 'invalid UTF-8: 0xFF', body: inString([0xff]) },
    { label: 'invalid UTF-8: overlong /', body: inString([0xc0, 0xaf]) },
    { label: 'invalid UTF-8: encoded surrogate', body: inString([0xed, 0xa0, 0x80]) },
    { label: 'invalid UTF-8: beyond U+10FFFF', body: inString([0xf4, 0x90, 0x80, 0x80]) },
    { label: 'invalid UTF-8: truncated sequence', body: inString([0xe2, 0x82]) },
    { label: 'invalid UTF-8: lone continuation byte', body: inString([0x80]) },
    { label: 'invalid UTF-8: 5-byte sequence', body: inString([0xf8, 0x88, 0x80, 0x80, 0x80]) },
    { label: 'invalid UTF-8 in a key', body: bytes('{"', [0xff], '":1}') },
    { label: 'valid body as text/plain', body: valid, contentType: 'text/plain' },
    { label: 'valid body as a form', body: formOf(endpoint.valid), contentType: 'application/x-www-form-urlencoded' },
    {
      label: 'valid body as multipart',
      body: `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n`,
      contentType: 'multipart/form-data; boundary=x',
    },
    { label: 'XML', body: '<a>1</a>', contentType: 'application/xml' },
    { label: 'valid body without a content type', body: Buffer.from(valid), contentType: null },
    { label: 'valid body as application/jsonx', body: valid, contentType: 'application/jsonx' },
    { label: 'valid body in charset latin1', body: valid, contentType: 'application/json; charset=latin1' },
    { label: 'valid body declared UTF-16', body: valid, contentType: 'application/json; charset=utf-16' },
    { label: 'gzip declared, body not gzip', body: valid, headers: { 'content-encoding': 'gzip' } },
    { label: 'unknown content encoding', body: valid, headers: { 'content-encoding': 'compress' } },
    {
      label: 'gzip bomb (10 MB inflated)',
      body: gzipSync(`{"a":"${' '.repeat(10_000_000)}"}`),
      headers: { 'content-encoding': 'gzip' },
    },
  ];
  return list.map((c) => ({
    target: 'REST bodies',
    label: `${endpoint.name} ${c.label}`,
    method: endpoint.method,
    path: endpoint.path,
    token: endpoint.token,
    body: c.body,
    contentType: c.contentType === undefined ? 'application/json' : c.contentType,
    headers: c.headers,
    expect: [400, 413, 415],
    mayClose: c.label.startsWith('2 MB'),
  }));
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function formOf(body: Record<string, unknown>): string {
  return new URLSearchParams(
    Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ).toString();
}
