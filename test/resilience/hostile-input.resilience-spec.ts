import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { Socket } from 'socket.io-client';
import {
  MEASUREMENTS,
  PHASES,
  ROLES,
  SIGN_OFF_MEANING_CODES,
  type BatchAck,
  type ReadingAck,
} from '../../libs/contracts/src/index';
import { MEASUREMENT_RANGES, mulberry32 } from '../../libs/vitals/src/index';
import { startApp, type RunningApp } from '../support/app';
import {
  buildWorld,
  connectDevice,
  connectSocket,
  connectWard,
  eventually,
  reading,
  sessionBody,
  type WardClient,
  type World,
} from '../support/api';
import { createTestDatabase, query } from '../support/database';

/**
 * Hostile input: more than 10,000 malformed, oversized and malicious inputs to every way into the
 * service — the device namespace `/devices`, the ward namespace `/ward`, REST, and the raw WebSocket
 * and engine.io transport under them — plus floods, while a well-behaved monitor streams a reading
 * every 100 ms to a ward screen that watches it.
 *
 * Every case is generated from SEED, so a failure replays (the few random ids and keys — an unknown
 * UUID, a WebSocket key — change no expected outcome). Each must be answered with an error (a
 * refused acknowledgement, a 4xx with the contract's error body, a refused handshake) or have its
 * connection closed by the service: never a 5xx, never silence. Every hostile reading is invalid by
 * construction, so the sessions bound to the hostile devices must end with no reading at all; the
 * monitor's session must hold exactly what was acknowledged; every stored row must be within the
 * contract's ranges; and no user, site, device, protocol, session or record may have changed.
 *
 * The `it` blocks run in order against one service and share the well-behaved monitor; the last
 * one checks the end state and prints the tally (cases per target and their outcomes, the floods,
 * and the monitor's acknowledgement latency during each block).
 *
 * Run: `npm run build && npx jest test/resilience/hostile-input --selectProjects resilience` (the path
 * before `--selectProjects`, which would otherwise take it for a project name).
 *
 * Layout: hostile values and bookkeeping; a raw WebSocket client (net); the generators for readings,
 * tokens and REST requests; the well-behaved monitor (a worker thread); then the suite.
 */

const SEED = 20_261_121;
const JWT_SECRET = 'hostile-input-suite-jwt-secret-0123456789';
const MIN_CASES = 10_000;
/** How many `reading` events the generator makes (the largest share of the cases). */
const READING_CASES = 7_000;
const LOGIN_MAX_FAILURES = 5;
const CALM = { username: 'calm-nurse', password: 'quiet-ward-secret-1' };

// ---- hostile values ----------------------------------------------------------------------------

/** Just fits in one socket.io message (the service takes up to 1,000,000 bytes). */
const NEAR_MB = 'x'.repeat(990_000);
/** Larger than any socket.io message or REST body the service takes. */
const MIB = 'x'.repeat(1_048_576);
const TEN_THOUSAND = Array.from({ length: 10_000 }, (_, i) => i);
const UUID = '3f0c9a52-8d1e-4b6a-9c7e-2a5d4e6f7b80';
/** The JSON body parser's limit (its default, 100 kB). */
const BODY_LIMIT = 102_400;

function nested(depth: number, leaf: unknown, wrap: 'array' | 'object'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap === 'array' ? [value] : { a: value };
  return value;
}
const DEEP_ARRAY = nested(1_000, 70, 'array');
const DEEP_OBJECT = nested(1_000, 70, 'object');

/** An object with own properties of any name, `__proto__` included (as JSON.parse makes them). */
function withKeys(entries: [string, unknown][], base: object = {}): Record<string, unknown> {
  const target: Record<string, unknown> = { ...base };
  for (const [key, value] of entries) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
}
const PROTO = withKeys([['__proto__', { polluted: true }]]);
const CONSTRUCTOR = withKeys([['constructor', { prototype: { polluted: true } }]]);

/** A short label for a value, for case names. */
function show(value: unknown): string {
  if (typeof value === 'string') return value.length > 24 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === undefined) return 'undefined';
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (Array.isArray(value) && value.length > 4) return `array(${value.length})`;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 32 ? `${json.slice(0, 29)}…` : json;
}

// ---- bookkeeping ---------------------------------------------------------------------------------

/** Cases per target and how each was answered. */
class Tally {
  private readonly counts = new Map<string, Map<string, number>>();

  add(target: string, outcome: string, n = 1): void {
    const outcomes = this.counts.get(target) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + n);
    this.counts.set(target, outcomes);
  }

  total(include: (outcome: string) => boolean = () => true): number {
    let n = 0;
    for (const outcomes of this.counts.values()) for (const [o, c] of outcomes) if (include(o)) n += c;
    return n;
  }

  table(): string {
    const lines: string[] = [];
    for (const [target, outcomes] of this.counts) {
      const n = [...outcomes.values()].reduce((a, b) => a + b, 0);
      const detail = [...outcomes].sort((a, b) => b[1] - a[1]).map(([o, c]) => `${o} ${c}`);
      lines.push(`${target.padEnd(34)} ${String(n).padStart(6)}  ${detail.join(', ')}`);
    }
    return lines.join('\n');
  }
}

const cases = new Tally();
const floods = new Tally();
/** Emits without an acknowledgement callback: the service cannot answer them, so they are not counted as answered. */
const UNANSWERABLE = 'no ack requested (dropped)';

/** What went wrong, per case; each test asserts its list is empty (shows the first 25). */
class Problems {
  readonly list: string[] = [];
  add(target: string, label: string, detail: string): void {
    this.list.push(`${target} — ${label}: ${detail.slice(0, 300)}`);
  }
  summary() {
    return { count: this.list.length, first: this.list.slice(0, 25) };
  }
}

async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Deterministic bytes from the seeded generator. */
const bytesFrom = (random: () => number, size: number) =>
  Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
};

/** An acknowledgement that refuses: `{ok:false, error:{code, message}}` with the given code. */
function refusal(ack: unknown, code: string): string | null {
  const a = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (!a || a.ok !== false) return `expected a refusal, got ${show(ack)}`;
  if (a.error?.code !== code) return `expected ${code}, got ${JSON.stringify(a.error).slice(0, 200)}`;
  if (typeof a.error.message !== 'string') return 'the refusal has no message';
  return null;
}

/** Emits with an acknowledgement; a timeout or a dropped connection becomes an `{ok:false, error:{code:'no answer…'}}`. */
async function emitWithAck(socket: Socket, timeoutMs: number, event: unknown, ...args: unknown[]): Promise<unknown> {
  if (!socket.connected) return { ok: false, error: { code: 'no answer (disconnected)' } };
  const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck: (...a: unknown[]) => Promise<unknown> };
  try {
    return await timed.emitWithAck(event, ...args);
  } catch (error) {
    return { ok: false, error: { code: `no answer (${(error as Error).message})` } };
  }
}

// ---- raw WebSocket ---------------------------------------------------------------------------------

interface FrameOptions {
  fin?: boolean;
  rsv?: number;
  masked?: boolean;
  /** The length written in the header, whatever the payload's real length. */
  declaredLength?: number;
}

/** Sends an HTTP request on a fresh TCP connection; resolves with the response status (0 if closed without one). */
function httpUpgrade(port: number, request: string): Promise<{ tcp: net.Socket; status: number; rest: Buffer }> {
  return new Promise((resolve) => {
    const tcp = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const done = (status: number, rest = Buffer.alloc(0)) => {
      tcp.removeAllListeners('data');
      clearTimeout(timer);
      resolve({ tcp, status, rest });
    };
    const timer = setTimeout(() => done(-1), 5_000);
    tcp.on('error', () => undefined);
    tcp.on('close', () => done(0));
    tcp.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      done(status, received.subarray(end + 4));
    });
    tcp.write(request);
  });
}

const upgradeRequest = (path: string, headers: Record<string, string> = {}) => {
  const all: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
};

/**
 * A WebSocket client written on a TCP socket, so the suite can send what no library sends:
 * unmasked frames, reserved opcodes and bits, invalid UTF-8, lengths that lie. It speaks just enough
 * engine.io to answer the server's pings, and answers a close frame as a client must.
 */
class RawWebSocket {
  private buffered = Buffer.alloc(0);
  private readonly inbox: (string | Buffer)[] = [];
  private readonly waiting = new Set<() => void>();
  /** The code of the server's close frame, once one came (1005: none given). */
  closeCode: number | null = null;
  private tcpClosed = false;

  private constructor(private readonly tcp: net.Socket) {
    tcp.on('data', (chunk: Buffer) => this.onData(chunk));
    tcp.on('close', () => {
      this.tcpClosed = true;
      this.notify();
    });
  }

  /** Opens an engine.io WebSocket connection and waits for the server's open packet. */
  static async open(port: number): Promise<RawWebSocket> {
    const { tcp, status, rest } = await httpUpgrade(port, upgradeRequest('/socket.io/?EIO=4&transport=websocket'));
    if (status !== 101) throw new Error(`WebSocket upgrade answered ${status}`);
    const ws = new RawWebSocket(tcp);
    if (rest.length) ws.onData(rest);
    if (!(await ws.receive((m) => typeof m === 'string' && m.startsWith('0{'), 5_000))) {
      ws.destroy();
      throw new Error('no engine.io open packet');
    }
    return ws;
  }

  get closed(): boolean {
    return this.tcpClosed || this.closeCode !== null;
  }

  /** Connects to a namespace; resolves with the server's answer (`40…` connected, `44…` refused) or null. */
  async join(namespace: string, auth: unknown): Promise<string | null> {
    this.text(`40${namespace},${JSON.stringify(auth)}`);
    const answer = await this.receive(
      (m) => typeof m === 'string' && (m.startsWith(`40${namespace},`) || m.startsWith(`44${namespace},`)),
      5_000,
    );
    return typeof answer === 'string' ? answer : null;
  }

  text(data: string | Buffer): void {
    this.frame(0x1, data);
  }

  binary(data: Buffer): void {
    this.frame(0x2, data);
  }

  frame(opcode: number, data: string | Buffer, options: FrameOptions = {}): void {
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    const length = options.declaredLength ?? payload.length;
    let header: Buffer;
    if (length < 126) {
      header = Buffer.alloc(2);
      header[1] = length;
    } else if (length < 65_536) {
      header = Buffer.alloc(4);
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header = Buffer.alloc(10);
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    header[0] = (options.fin === false ? 0 : 0x80) | ((options.rsv ?? 0) << 4) | opcode;
    if (options.masked === false) {
      this.write(Buffer.concat([header, payload]));
      return;
    }
    header[1] = header[1]! | 0x80;
    const mask = randomBytes(4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i] = masked[i]! ^ mask[i % 4]!;
    this.write(Buffer.concat([header, mask, masked]));
  }

  write(bytes: Buffer): void {
    if (!this.tcp.destroyed) this.tcp.write(bytes);
  }

  /** The first message that matches (earlier ones are dropped), or null once closed or after `timeoutMs`. */
  receive(match: (message: string | Buffer) => boolean, timeoutMs: number): Promise<string | Buffer | null> {
    return new Promise((resolve) => {
      const check = () => {
        while (this.inbox.length) {
          const message = this.inbox.shift()!;
          if (match(message)) return finish(message);
        }
        if (this.closed) finish(null);
      };
      const finish = (value: string | Buffer | null) => {
        clearTimeout(timer);
        this.waiting.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.waiting.add(check);
      check();
    });
  }

  /** True once the server has closed the connection (close frame or TCP), false after `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiting.delete(wake);
          resolve();
        };
        this.waiting.add(wake);
        setTimeout(wake, 50);
      });
    }
    return this.closed;
  }

  destroy(): void {
    this.tcp.destroy();
  }

  private notify(): void {
    for (const wake of [...this.waiting]) wake();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      if (this.buffered.length < 2) break;
      const opcode = this.buffered[0]! & 0x0f;
      let length = this.buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffered.length < 4) break;
        length = this.buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffered.length < 10) break;
        length = Number(this.buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffered.length < offset + length) break;
      const payload = this.buffered.subarray(offset, offset + length);
      this.buffered = this.buffered.subarray(offset + length);
      if (opcode === 0x8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reply = Buffer.alloc(2);
        reply.writeUInt16BE(1000);
        this.frame(0x8, reply);
        this.tcp.end();
      } else if (opcode === 0x1) {
        const text = payload.toString('utf8');
        if (text === '2') this.text('3');
        else this.inbox.push(text);
      } else if (opcode === 0x2) {
        this.inbox.push(Buffer.from(payload));
      }
      this.notify();
    }
  }
}

// ---- /devices: hostile readings -----------------------------------------------------------------

type ReadingCode = 'validation_failed' | 'clock_skew';
interface ReadingCase {
  label: string;
  payload: unknown;
  code: ReadingCode;
}

/** One way to break a reading. `fields` are the keys it touches (mutations combined touch different keys). */
interface Mutation {
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
const HOSTILE_START = Date.now() - 240_000;
let hostileSeq = 0;

/** seq and recordedAt of a plausible reading, fresh each time. */
function skeleton(): Record<string, unknown> {
  hostileSeq++;
  return { seq: hostileSeq, recordedAt: new Date(HOSTILE_START + hostileSeq * 10).toISOString() };
}

const setField =
  (field: string, value: unknown) =>
  (target: Record<string, unknown>): void => {
    Object.defineProperty(target, field, { value, enumerable: true, writable: true, configurable: true });
  };

/** Values that are not a finite number in any encoding: strings, booleans, containers, binary, prototypes. */
const NOT_NUMBERS: [string, unknown, boolean?][] = [
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
const JSON_NULLS: [string, unknown][] = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];

function readingMutations(): Mutation[] {
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
function notReadings(): [string, unknown, boolean?][] {
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
function mutated(mutations: Mutation[]): ReadingCase {
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
function generateReadingCases(count: number, random: () => number): ReadingCase[] {
  const catalogue = readingMutations();
  const out: ReadingCase[] = catalogue.map((m) => mutated([m]));
  for (const [label, payload] of notReadings()) out.push({ label, payload, code: 'validation_failed' });
  const light = catalogue.filter((m) => !m.heavy);
  while (out.length < count) out.push(mutated(combination(light, random)));
  return out;
}

function combination(mutations: Mutation[], random: () => number): Mutation[] {
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
function rawReadingTexts(random: () => number): { label: string; text: string; code: ReadingCode }[] {
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

// ---- tokens ------------------------------------------------------------------------------------------

const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT as an attacker makes one: any header, any payload, any algorithm and secret (null: unsigned). */
function forgeJwt(payload: unknown, options: { alg?: string; secret?: string | null; header?: object } = {}): string {
  const alg = options.alg ?? 'HS256';
  const body = `${b64url(options.header ?? { alg, typ: 'JWT' })}.${b64url(payload)}`;
  if (options.secret === null) return `${body}.`;
  const hash = ({ HS384: 'sha384', HS512: 'sha512' } as Record<string, string>)[alg] ?? 'sha256';
  return `${body}.${createHmac(hash, options.secret ?? JWT_SECRET)
    .update(body)
    .digest('base64url')}`;
}

function flipSignature(token: string): string {
  const [head, payload, signature = ''] = token.split('.');
  const i = Math.floor(signature.length / 2);
  const swapped = signature[i] === 'A' ? 'B' : 'A';
  return `${head}.${payload}.${signature.slice(0, i)}${swapped}${signature.slice(i + 1)}`;
}

/** Staff tokens that must not open a `/ward` socket or pass the REST guard. */
function badUserTokens(userId: string, validToken: string, deviceToken: string): [string, unknown][] {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: userId, typ: 'access', iat: now, exp: now + 3600 };
  const [head, payload] = validToken.split('.');
  return [
    ['missing', undefined],
    ['null', null],
    ['number', 12_345],
    ['0', 0],
    ['true', true],
    ['object', { token: validToken }],
    ['array', [validToken]],
    ['empty', ''],
    ['space', ' '],
    ['"Bearer …"', `Bearer ${validToken}`],
    ['trailing space', `${validToken} `],
    ['device token', deviceToken],
    ['expired', forgeJwt({ ...claims, iat: now - 7200, exp: now - 3600 })],
    ['not yet valid', forgeJwt({ ...claims, nbf: now + 3600 })],
    ['alg none', forgeJwt(claims, { alg: 'none', secret: null })],
    ['alg none with a signature', forgeJwt(claims, { header: { alg: 'none' } })],
    ['HS512 with the right secret', forgeJwt(claims, { alg: 'HS512' })],
    ['HS384 with the right secret', forgeJwt(claims, { alg: 'HS384' })],
    ['RS256 header, HMAC signature', forgeJwt(claims, { header: { alg: 'RS256', typ: 'JWT' } })],
    ['wrong secret', forgeJwt(claims, { secret: 'not-the-secret-not-the-secret-00000' })],
    ['empty secret', forgeJwt(claims, { secret: '' })],
    ['typ refresh', forgeJwt({ ...claims, typ: 'refresh' })],
    ['no typ', forgeJwt({ sub: userId, exp: now + 3600 })],
    ['no sub', forgeJwt({ typ: 'access', exp: now + 3600 })],
    ['sub a number', forgeJwt({ ...claims, sub: 42 })],
    ['sub an array', forgeJwt({ ...claims, sub: [userId] })],
    ['sub an object', forgeJwt({ ...claims, sub: { id: userId } })],
    ['sub not a uuid', forgeJwt({ ...claims, sub: 'admin' })],
    ['sub SQL', forgeJwt({ ...claims, sub: "' OR 1=1 --" })],
    ['sub unknown uuid', forgeJwt({ ...claims, sub: randomUUID() })],
    ['sub with NUL', forgeJwt({ ...claims, sub: `${userId}\u0000` })],
    ['sub 10 kB', forgeJwt({ ...claims, sub: 'x'.repeat(10_000) })],
    ['payload null', forgeJwt(null)],
    ['payload array', forgeJwt([claims])],
    ['payload string', forgeJwt('access')],
    ['payload not JSON', `${head}.${b64url('not json')}.${validToken.split('.')[2]}`],
    ['signature altered', flipSignature(validToken)],
    ['signature removed', `${head}.${payload}.`],
    ['two parts', `${head}.${payload}`],
    ['four parts', `${validToken}.x`],
    ['parts swapped', `${payload}.${head}.${validToken.split('.')[2]}`],
    ['".."', '..'],
    ['"a.b.c"', 'a.b.c'],
    ['100 kB string', 'x'.repeat(100_000)],
    ['with NUL', `${validToken}\u0000`],
    ['emoji', '😀'],
    ['lone surrogate', '\ud800'],
  ];
}

function badDeviceTokens(validToken: string, revokedToken: string, userToken: string): [string, unknown][] {
  return [
    ['missing', undefined],
    ['null', null],
    ['number', 12_345],
    ['true', true],
    ['object', { token: validToken }],
    ['array', [validToken]],
    ['empty', ''],
    ['"imd_"', 'imd_'],
    ['unknown imd_ token', `imd_${randomBytes(32).toString('base64url')}`],
    ['revoked device token', revokedToken],
    ['token with one character changed', `${validToken.slice(0, -1)}${validToken.endsWith('A') ? 'B' : 'A'}`],
    ['token truncated', validToken.slice(0, -1)],
    ['token with a trailing space', `${validToken} `],
    ['token upper-case prefix', validToken.replace('imd_', 'IMD_')],
    ['token with NUL', `${validToken}\u0000`],
    ['200-character imd_ token', `imd_${'x'.repeat(196)}`],
    ['100 kB string', 'x'.repeat(100_000)],
    ['a staff JWT', userToken],
    ['lone surrogate', '\ud800'],
    ["SQL: ' OR 1=1 --", "imd_' OR 1=1 --"],
  ];
}

// ---- REST ----------------------------------------------------------------------------------------------

type FieldKind =
  | { type: 'string'; min: number; max: number; breaksPattern?: string[] }
  | { type: 'uuid' | 'bool' | 'datetime' | 'timezone' | 'uuids' | 'rules' }
  | { type: 'int' | 'number'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'object'; fields: Schema };
type Field = FieldKind & { optional?: boolean };
type Schema = Record<string, Field>;
type Expect = number[] | 'any4xx';

interface RestCase {
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

const str = (min: number, max: number, breaksPattern?: string[]): Field => ({
  type: 'string',
  min,
  max,
  breaksPattern,
});
const optional = (field: Field): Field => ({ ...field, optional: true });

interface BodyEndpoint {
  name: string;
  method: string;
  path: string;
  token: string | null;
  schema: Schema;
  valid: Record<string, unknown>;
}

interface Bad {
  label: string;
  value: unknown;
  expect: Expect;
}

/** Values of the wrong type, out of range or unstorable, for one field: none of them is valid. */
function badValues(field: Field): Bad[] {
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

const EXTRA_KEYS = [
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

function withField(
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
function bodyCases(endpoint: BodyEndpoint): RestCase[] {
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
function bodyCombinations(endpoint: BodyEndpoint, count: number, random: () => number): RestCase[] {
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
function wholeBodyCases(endpoint: BodyEndpoint): RestCase[] {
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function formOf(body: Record<string, unknown>): string {
  return new URLSearchParams(
    Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ).toString();
}

// ---- the well-behaved client ---------------------------------------------------------------------------

/**
 * The well-behaved monitor: a valid reading every 100 ms on its own session, sent without waiting
 * for the previous acknowledgement as a real monitor streams, and `/health` polled every 500 ms. It
 * runs in a worker thread, so its timings measure the service, not the bursts of work of the test
 * thread (which, in the flood, encodes 20,000 emits in one go).
 */
const MONITOR_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require(workerData.clientPath);
const { url, token, startMs } = workerData;
const samples = [];
const health = [];
const timers = [];
let seq = 0;
let pending = 0;
const socket = io(url + '/devices', { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
socket.once('resume', () => {
  timers.push(setInterval(() => {
    const n = ++seq;
    const at = Date.now();
    const started = performance.now();
    const reading = { seq: n, recordedAt: new Date(startMs + n * 100).toISOString(), hr: 70 + (n % 9), spo2: 98 };
    pending++;
    socket.timeout(10000).emit('reading', reading, (error, ack) => {
      pending--;
      const answer = error ? { ok: false, error: { code: 'no answer: ' + error.message } } : ack;
      samples.push({ seq: n, at, ms: performance.now() - started, ack: answer });
    });
  }, 100));
  timers.push(setInterval(() => {
    const at = Date.now();
    const started = performance.now();
    pending++;
    fetch(url + '/health', { signal: AbortSignal.timeout(5000) })
      .then(async (response) => (await response.text(), response.status), () => 0)
      .then((status) => {
        pending--;
        health.push({ at, ms: performance.now() - started, status });
      });
  }, 500));
  parentPort.postMessage('started');
});
parentPort.on('message', () => {
  for (const timer of timers) clearInterval(timer);
  const finish = () => {
    if (pending > 0) return setTimeout(finish, 20);
    socket.close();
    parentPort.postMessage({ samples, health });
  };
  finish();
});
`;

interface MonitorSample {
  seq: number;
  /** When it was sent (epoch ms). */
  at: number;
  /** Until its acknowledgement came. */
  ms: number;
  ack: ReadingAck;
}

class WellBehavedMonitor {
  samples: MonitorSample[] = [];
  health: { at: number; ms: number; status: number }[] = [];
  private stopped: Promise<void> | null = null;

  private constructor(private readonly worker: Worker) {}

  static async start(url: string, token: string): Promise<WellBehavedMonitor> {
    const worker = new Worker(MONITOR_WORKER, {
      eval: true,
      // One reading each 100 ms, dated in real time (from a minute back, within the session's clock tolerance).
      workerData: { url, token, startMs: Date.now() - 60_000, clientPath: require.resolve('socket.io-client') },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new WellBehavedMonitor(worker);
  }

  /** Stops sending, waits for the last answers, and collects what the worker measured. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('message', (result: { samples: MonitorSample[]; health: WellBehavedMonitor['health'] }) => {
        this.samples = result.samples;
        this.health = result.health;
        void this.worker.terminate().then(() => resolve());
      });
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }

  get acked(): number[] {
    return this.samples.filter((s) => s.ack.ok).map((s) => s.seq);
  }

  get problems(): string[] {
    const wrong = this.samples.filter((s) => !s.ack.ok || s.ack.seq !== s.seq || s.ack.duplicate);
    return [
      ...wrong.map((s) => `seq ${s.seq}: ${JSON.stringify(s.ack)}`),
      ...this.health.filter((h) => h.status !== 200).map((h) => `/health at ${h.at}: ${h.status || 'no answer'}`),
    ];
  }
}

// ---- the suite ---------------------------------------------------------------------------------------------

describe('hostile input', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;
  let monitor: WellBehavedMonitor;
  let ward: WardClient;
  let goodSessionId: string;
  let hostileSessionId: string;
  let rawSessionId: string;
  let floodSessionId: string;
  let nurseBId: string;
  let revokedDeviceToken: string;
  let protocolRules: unknown;
  let fingerprintsBefore: Record<string, string>;
  let floodAccepted: number[] = [];
  const suiteStarted = performance.now();

  /** A digest of every table hostile input could write to, to prove nothing changed. */
  const fingerprints = async () => {
    const tables: Record<string, string> = {
      users: 'SELECT id, username, display_name, role, password_hash, active, updated_at FROM users',
      user_sites: 'SELECT * FROM user_sites',
      sites: 'SELECT * FROM sites',
      devices: 'SELECT id, site_id, name, token_hash, revoked_at FROM devices',
      protocols: 'SELECT * FROM protocols',
      sessions: 'SELECT * FROM sessions',
      recovery_observations: 'SELECT * FROM recovery_observations',
      discharge_checklists: 'SELECT * FROM discharge_checklists',
      signatures: 'SELECT * FROM signatures',
      addenda: 'SELECT * FROM addenda',
    };
    const out: Record<string, string> = {};
    for (const [name, sql] of Object.entries(tables)) {
      const [row] = await query<{ n: number; digest: string | null }>(
        db.url,
        `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM (${sql}) t`,
      );
      out[name] = `${row!.n} rows, ${row!.digest ?? '-'}`;
    }
    return out;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApp(db.url, { JWT_SECRET, LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES) });
    world = await buildWorld(app.url, 4);
    const open = async (site: World['a'], device: { id: string }) =>
      (await site.nurse.ok('/sessions', sessionBody(site.siteId, device.id, world.protocolId))).id as string;
    goodSessionId = await open(world.a, world.a.devices[0]!);
    hostileSessionId = await open(world.b, world.b.devices[0]!);
    rawSessionId = await open(world.b, world.b.devices[1]!);
    floodSessionId = await open(world.b, world.b.devices[2]!);
    // world.b.devices[3] stays free, so a session body naming it would be accepted if it were valid.
    await world.admin.ok(`/devices/${world.a.devices[3]!.id}/revoke`);
    revokedDeviceToken = world.a.devices[3]!.token;
    await world.admin.ok('/users', {
      username: CALM.username,
      displayName: 'Calm Nurse',
      role: 'nurse',
      password: CALM.password,
      siteIds: [world.a.siteId],
    });
    nurseBId = (await world.b.nurse.get('/auth/me')).body.id as string;
    protocolRules = ((await world.admin.get('/protocols')).body as { id: string; rules: unknown }[]).find(
      (p) => p.id === world.protocolId,
    )!.rules;
    fingerprintsBefore = await fingerprints();

    ward = await connectWard(world.a.nurse);
    await ward.snapshot;
    monitor = await WellBehavedMonitor.start(app.url, world.a.devices[0]!.token);
  }, 60_000);

  // Which test ran when, to tell which part of the hostile run the monitor's slowest answers fell in.
  const phases: { name: string; from: number; to: number }[] = [];
  beforeEach(() => phases.push({ name: expect.getState().currentTestName ?? '?', from: Date.now(), to: Infinity }));
  afterEach(() => (phases[phases.length - 1]!.to = Date.now()));
  const phaseEnd = (p: (typeof phases)[number]) => (Number.isFinite(p.to) ? p.to : Date.now());

  afterAll(async () => {
    await monitor?.stop();
    ward?.close();
    await app?.stop();
    await db?.drop();
  }, 30_000);

  it('/devices: answers every malformed reading, batch and event with a refusal', async () => {
    const problems = new Problems();
    const random = mulberry32(SEED);
    const client = await connectDevice(app.url, world.b.devices[0]!.token);
    expect(await client.resume).toMatchObject({ sessionId: hostileSessionId });
    const socket = client.socket;

    // `reading`: every mutation of every field, every non-reading payload, then random combinations.
    const readingCases = generateReadingCases(READING_CASES, random);
    await pool(readingCases, 64, async (c) => {
      const ack = await emitWithAck(socket, 20_000, 'reading', c.payload);
      const problem = refusal(ack, c.code);
      if (problem) problems.add('/devices reading', c.label, problem);
      cases.add('/devices reading', problem ? 'WRONG' : `ack ${c.code}`);
    });

    // `readings`: whole batches that are not 1–500 readings, and batches of hostile readings.
    const target = '/devices readings (batches)';
    const refusedBatches: [string, unknown][] = [
      ...notReadings()
        .filter(([, p]) => !Array.isArray(p))
        .map(([label, payload]): [string, unknown] => [label, payload]),
      ['empty array', []],
      ['501 valid readings', Array.from({ length: 501 }, (_, i) => reading(i + 1))],
      ['10,000 valid readings', Array.from({ length: 10_000 }, (_, i) => reading(i + 1))],
      ['10,000 numbers', TEN_THOUSAND],
    ];
    await pool(refusedBatches, 8, async ([label, payload]) => {
      const ack = await emitWithAck(socket, 20_000, 'readings', payload);
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add(target, label, problem);
      cases.add(target, problem ? 'WRONG' : 'batch refused validation_failed');
    });
    // No binary values in batches: socket.io refuses a message with more than 10 attachments (see below).
    const light = readingMutations().filter((m) => !m.heavy && !m.binary);
    const batches: ReadingCase[][] = Array.from({ length: 250 }, (_, i) =>
      Array.from({ length: i === 0 ? 500 : 1 + Math.floor(random() * 40) }, () => mutated(combination(light, random))),
    );
    batches.push([{ label: 'an array as the item', payload: [reading(1)], code: 'validation_failed' }]);
    batches.push([{ label: 'an item nested 1,000 deep', payload: DEEP_ARRAY, code: 'validation_failed' }]);
    await pool(batches, 8, async (batch) => {
      const ack = (await emitWithAck(
        socket,
        20_000,
        'readings',
        batch.map((c) => c.payload),
      )) as BatchAck;
      let problem: string | null = null;
      if (!ack.ok || ack.results.length !== batch.length)
        problem = `expected ${batch.length} results, got ${show(ack)}`;
      else
        batch.forEach((c, i) => {
          const p = refusal(ack.results[i], c.code);
          if (p && !problem) problem = `item ${i} (${c.label}): ${p}`;
        });
      if (problem) problems.add(target, `batch of ${batch.length}`, problem);
      cases.add(target, problem ? 'WRONG' : 'every item refused');
    });

    // Other events: unknown names, too many or too few payloads.
    const events: unknown[] = [
      'read',
      'Reading',
      'READING',
      'reading ',
      ' reading',
      'readings\u0000',
      'resume',
      'session',
    ];
    events.push('vitals', 'snapshot', 'alert', 'message', 'error', 'ping', 'pong', 'close', 'data', '__proto__');
    events.push(
      'constructor',
      'toString',
      'hasOwnProperty',
      '',
      ' ',
      '*',
      'a'.repeat(10_000),
      '😀',
      '\ud800',
      0,
      1,
      -1,
      1.5,
    );
    for (let i = 0; i < 250; i++)
      events.push(
        String.fromCharCode(
          ...Array.from({ length: 1 + Math.floor(random() * 30) }, () => 33 + Math.floor(random() * 94)),
        ),
      );
    const others = events
      .filter((e) => e !== 'reading' && e !== 'readings')
      .map((event, i) => ({
        label: `event ${show(event)}`,
        event,
        args: [readingCases[i % readingCases.length]!.payload],
      }));
    for (let i = 0; i < 40; i++) {
      others.push({ label: 'reading with two payloads', event: 'reading', args: [reading(1), reading(2)] });
      others.push({ label: 'readings with two payloads', event: 'readings', args: [[reading(1)], [reading(2)]] });
    }
    others.push({ label: 'reading without payload', event: 'reading', args: [] });
    others.push({ label: 'readings without payload', event: 'readings', args: [] });
    await pool(others, 32, async (c) => {
      const ack = await emitWithAck(socket, 20_000, c.event, ...c.args);
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add('/devices other events', c.label, problem);
      cases.add('/devices other events', problem ? 'WRONG' : 'ack validation_failed');
    });

    // Emits without an acknowledgement callback: nothing to answer, nothing may be stored.
    const plain = readingMutations().filter((m) => !m.heavy && !m.binary);
    const unanswered = Array.from({ length: 300 }, () => mutated(combination(plain, random)));
    for (const c of unanswered) socket.emit('reading', c.payload);
    for (let i = 0; i < 50; i++)
      socket.emit(
        'readings',
        unanswered.slice(i * 6, i * 6 + 6).map((c) => c.payload),
      );
    cases.add('/devices emits without ack', UNANSWERABLE, unanswered.length + 50);
    // The socket still answers afterwards (emits are handled in order).
    expect(refusal(await emitWithAck(socket, 20_000, 'reading', { seq: -1 }), 'validation_failed')).toBeNull();

    // Messages over the 1 MB limit: the service closes that connection (and only that one).
    const oversized: [string, string, unknown][] = [
      ['reading with a 1 MiB string', 'reading', { ...reading(1), hr: MIB }],
      ['readings of 20,000 readings', 'readings', Array.from({ length: 20_000 }, (_, i) => reading(i + 1))],
      ['reading with a 2 MB binary attachment', 'reading', { ...reading(1), hr: Buffer.alloc(2_000_000) }],
      ['unknown event with a 1 MiB string', 'note', MIB],
      [
        'readings with 11 binary attachments',
        'readings',
        Array.from({ length: 11 }, () => ({ ...reading(1), hr: Buffer.from([1]) })),
      ],
    ];
    for (const [label, event, payload] of oversized) {
      const fresh = await connectDevice(app.url, world.b.devices[0]!.token);
      const closed = new Promise<string>((resolve) => fresh.socket.once('disconnect', (reason) => resolve(reason)));
      const answer = await emitWithAck(fresh.socket, 10_000, event, payload);
      const reason = await Promise.race([closed, sleep(5_000).then(() => 'still open')]);
      if (reason === 'still open') problems.add('/devices oversized messages', label, `answered ${show(answer)}`);
      cases.add('/devices oversized messages', reason === 'still open' ? 'WRONG' : `closed (${reason})`);
      fresh.close();
    }

    client.close();
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 120_000);

  it('/devices and /ward: refuse every bad token in the handshake', async () => {
    const problems = new Problems();
    const attempts: { target: string; label: string; namespace: string; auth: unknown }[] = [];
    const userTokens = badUserTokens(nurseBId, world.b.nurse.token!, world.b.devices[0]!.token);
    const deviceTokens = badDeviceTokens(world.b.devices[0]!.token, revokedDeviceToken, world.b.nurse.token!);
    for (const [label, token] of userTokens)
      attempts.push({ target: '/ward handshake', label, namespace: '/ward', auth: { token } });
    for (const [label, token] of deviceTokens)
      attempts.push({ target: '/devices handshake', label, namespace: '/devices', auth: { token } });
    for (const namespace of ['/ward', '/devices']) {
      const target = `${namespace} handshake`;
      for (const [label, auth] of [
        ['auth a string', 'token'],
        ['auth a number', 42],
        ['auth an array', [world.b.nurse.token]],
        ['auth empty', {}],
        ['auth with __proto__', withKeys([['__proto__', { token: world.b.nurse.token }]])],
        ['auth 1 MiB', { token: MIB }],
      ] as [string, unknown][])
        attempts.push({ target, label, namespace, auth });
      // Random junk tokens.
      const random = mulberry32(SEED + namespace.length);
      for (let i = 0; i < 60; i++) {
        const token = bytesFrom(random, 1 + Math.floor(random() * 200)).toString(i % 2 ? 'base64' : 'latin1');
        attempts.push({ target, label: `random token ${i}`, namespace, auth: { token } });
      }
    }
    // Namespaces nobody serves, the main one included.
    for (const namespace of ['/', '/admin', '/devices/x', '/ward/', '/DEVICES', '/%00'])
      attempts.push({ target: 'other namespaces', label: namespace, namespace, auth: { token: world.b.nurse.token } });

    await pool(attempts, 12, async (a) => {
      const socket = connectSocket(app.url, a.namespace, a.auth as object);
      const outcome = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('no answer in 10 s'), 10_000);
        const done = (o: string) => {
          clearTimeout(timer);
          resolve(o);
        };
        socket.once('connect', () => done('CONNECTED'));
        socket.once('connect_error', (error) => done(`refused: ${error.message}`));
        // The connection closes just before connect_error is emitted: give the refusal its turn.
        socket.io.once('close', () => setTimeout(() => done('closed'), 100));
      });
      socket.close();
      const ok = outcome.startsWith('refused') || outcome === 'closed';
      if (!ok) problems.add(a.target, a.label, outcome);
      cases.add(a.target, ok ? outcome : 'WRONG');
    });
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 90_000);

  it('/ward: answers events from clients with a refusal (the namespace only speaks to them)', async () => {
    const problems = new Problems();
    const random = mulberry32(SEED + 2);
    const client = await connectWard(world.b.nurse);
    await client.snapshot;
    const names = ['vitals', 'snapshot', 'alert', 'session', 'reading', 'readings', 'subscribe', 'join', 'leave'];
    names.push(
      'ack',
      'message',
      'error',
      'ping',
      'pong',
      '__proto__',
      'constructor',
      'toString',
      '',
      ' ',
      '😀',
      'x\u0000',
    );
    const payloads: unknown[] = [null, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e308, '', 'x', true, [], {}];
    payloads.push(TEN_THOUSAND, DEEP_ARRAY, DEEP_OBJECT, PROTO, CONSTRUCTOR, bytesFrom(random, 64));
    payloads.push(new Float64Array([Number.NaN]), { sessionId: hostileSessionId, hr: 500 }, { siteId: world.a.siteId });
    payloads.push({ sessions: [] }, reading(1), { room: `site:${world.a.siteId}` });
    const emits: { label: string; event: unknown; args: unknown[] }[] = [];
    for (let i = 0; i < 800; i++) {
      const event =
        i < names.length ? names[i]! : random() < 0.7 ? names[Math.floor(random() * names.length)]! : `e${i}`;
      const args = Array.from(
        { length: Math.floor(random() * 3) },
        () => payloads[Math.floor(random() * payloads.length)],
      );
      emits.push({ label: `${show(event)}(${args.map(show).join(', ')})`, event, args });
    }
    emits.push({ label: 'numeric event', event: 7, args: [1] });
    emits.push({ label: '~1 MB string', event: 'vitals', args: [NEAR_MB] });
    await pool(emits, 32, async (e) => {
      const ack = await emitWithAck(client.socket, 20_000, e.event, ...e.args);
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add('/ward client events', e.label, problem);
      cases.add('/ward client events', problem ? 'WRONG' : 'ack validation_failed');
    });
    // A message over the limit closes that connection.
    const fresh = await connectWard(world.b.nurse);
    const closed = new Promise<string>((resolve) => fresh.socket.once('disconnect', (reason) => resolve(reason)));
    fresh.socket.emit('vitals', MIB);
    const reason = await Promise.race([closed, sleep(5_000).then(() => 'still open')]);
    if (reason === 'still open') problems.add('/ward oversized messages', '1 MiB string', 'connection still open');
    cases.add('/ward oversized messages', reason === 'still open' ? 'WRONG' : `closed (${reason})`);
    fresh.close();
    // Nothing a client sent reached another site's screen.
    expect(ward.vitals.every((v) => v.sessionId === goodSessionId)).toBe(true);
    client.close();
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 60_000);

  it('REST: answers every hostile request with a 4xx and the contract error body', async () => {
    const problems = new Problems();
    const { admin, b } = world;
    const anonymous = null;
    const now = new Date().toISOString();
    const unknownId = randomUUID();
    const at = (path: string) => `/api/v1${path}`;
    const endpoints: BodyEndpoint[] = [
      {
        name: 'POST /auth/login',
        method: 'POST',
        path: at('/auth/login'),
        token: anonymous,
        schema: { username: str(1, 64), password: str(1, 200) },
        valid: { username: 'nobody-by-this-name', password: 'not-the-password' },
      },
      {
        name: 'POST /users',
        method: 'POST',
        path: at('/users'),
        token: admin.token!,
        schema: {
          username: str(3, 64, ['UPPER', 'a b', 'ab', 'root;--', 'ünïcode', '../etc']),
          displayName: str(1, 120),
          role: { type: 'enum', values: ROLES },
          password: str(12, 200),
          siteIds: { type: 'uuids' },
        },
        valid: {
          username: 'hostile-user',
          displayName: 'H',
          role: 'nurse',
          password: 'long-enough-password',
          siteIds: [b.siteId],
        },
      },
      {
        name: 'PATCH /users/:id',
        method: 'PATCH',
        path: at(`/users/${nurseBId}`),
        token: admin.token!,
        schema: {
          displayName: optional(str(1, 120)),
          role: optional({ type: 'enum', values: ROLES }),
          siteIds: optional({ type: 'uuids' }),
          active: optional({ type: 'bool' }),
          password: optional(str(12, 200)),
        },
        valid: { displayName: 'Renamed by an attacker' },
      },
      {
        name: 'POST /sites',
        method: 'POST',
        path: at('/sites'),
        token: admin.token!,
        schema: { name: str(1, 120), timezone: optional({ type: 'timezone' }) },
        valid: { name: 'hostile-site', timezone: 'Europe/London' },
      },
      {
        name: 'POST /devices',
        method: 'POST',
        path: at('/devices'),
        token: admin.token!,
        schema: { siteId: { type: 'uuid' }, name: str(1, 120) },
        valid: { siteId: b.siteId, name: 'hostile-device' },
      },
      {
        name: 'POST /protocols',
        method: 'POST',
        path: at('/protocols'),
        token: admin.token!,
        schema: {
          key: str(2, 64, ['UPPER', 'a_b', 'a b', 'x', 'é']),
          name: str(1, 200),
          route: { type: 'enum', values: ['iv', 'intranasal'] },
          rules: { type: 'rules' },
        },
        valid: { key: 'hostile-protocol', name: 'H', route: 'iv', rules: protocolRules },
      },
      {
        name: 'POST /sessions',
        method: 'POST',
        path: at('/sessions'),
        token: b.nurse.token!,
        schema: {
          siteId: { type: 'uuid' },
          patientRef: str(1, 64),
          chair: str(1, 40),
          deviceId: { type: 'uuid' },
          protocolId: { type: 'uuid' },
          weightKg: { type: 'number', min: 20, max: 350 },
          plannedDoseMgPerKg: { type: 'number', min: 0.01, max: 5 },
          seriesNumber: { type: 'int', min: 1, max: 1000 },
          consent: { type: 'object', fields: { obtainedAt: { type: 'datetime' }, witnessedBy: str(1, 120) } },
        },
        valid: sessionBody(b.siteId, b.devices[3]!.id, world.protocolId),
      },
      {
        name: 'POST /sessions/:id/infusion-start',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/infusion-start`),
        token: b.nurse.token!,
        schema: { overrideReason: optional(str(3, 500)) },
        valid: { overrideReason: 'hostile override' },
      },
      {
        name: 'POST /sessions/:id/abort',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/abort`),
        token: b.nurse.token!,
        schema: { reason: str(3, 500) },
        valid: { reason: 'hostile abort' },
      },
      {
        name: 'POST /sessions/:id/recovery-observations',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/recovery-observations`),
        token: b.nurse.token!,
        schema: {
          observedAt: { type: 'datetime' },
          // Every item is optional: one not assessed is left out, never defaulted.
          moaas: optional({ type: 'int', min: 0, max: 5 }),
          oriented: optional({ type: 'bool' }),
          steadyGait: optional({ type: 'bool' }),
          nausea: optional({ type: 'enum', values: ['none', 'mild', 'moderate', 'severe'] }),
          pain: optional({ type: 'int', min: 0, max: 10 }),
          notes: optional(str(0, 2000)),
        },
        valid: { observedAt: now, moaas: 5, oriented: true, steadyGait: true, nausea: 'none', pain: 0, notes: 'n' },
      },
      {
        name: 'PUT /sessions/:id/discharge-checklist',
        method: 'PUT',
        path: at(`/sessions/${hostileSessionId}/discharge-checklist`),
        token: b.nurse.token!,
        schema: {
          escort: {
            type: 'object',
            fields: {
              name: str(1, 120),
              relationship: str(1, 60),
              phone: str(6, 24, ['call me', '12345', '+'.repeat(30), '555-CALL-NOW']),
            },
          },
          escortPresentAt: optional({ type: 'datetime' }),
          noDrivingAcknowledged: { type: 'bool' },
          instructionsGiven: { type: 'bool' },
          belongingsReturned: { type: 'bool' },
          followUpAt: optional({ type: 'datetime' }),
        },
        valid: {
          escort: { name: 'E', relationship: 'sister', phone: '+44 7700 900123' },
          escortPresentAt: now,
          noDrivingAcknowledged: true,
          instructionsGiven: true,
          belongingsReturned: true,
          followUpAt: now,
        },
      },
      {
        name: 'POST /sessions/:id/discharge-signoff',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/discharge-signoff`),
        token: b.clinician.token!,
        schema: {
          password: str(1, 200),
          meaning: { type: 'enum', values: SIGN_OFF_MEANING_CODES },
          overrideReason: optional(str(0, 1000)),
        },
        valid: {
          password: 'not-the-password',
          meaning: 'discharge_approved_override',
          overrideReason: 'A hostile reason that is still a sentence',
        },
      },
      {
        name: 'POST /sessions/:id/addenda',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/addenda`),
        token: b.nurse.token!,
        schema: { text: str(1, 5000) },
        valid: { text: 'hostile addendum' },
      },
      {
        name: 'POST /alerts/:id/acknowledge',
        method: 'POST',
        path: at(`/alerts/${unknownId}/acknowledge`),
        token: b.nurse.token!,
        schema: { note: optional(str(0, 1000)) },
        valid: { note: 'hostile note' },
      },
    ];
    const random = mulberry32(SEED + 4);
    const restCases: RestCase[] = endpoints.flatMap((e) => [
      ...bodyCases(e),
      ...bodyCombinations(e, 45, random),
      ...wholeBodyCases(e),
    ]);

    // Query strings of the endpoints that take one.
    const BAD_QUERY: Record<string, string[]> = {
      uuid: ['not-a-uuid', '', '%00', '1', "'%20OR%201=1--", `${UUID}x`, '%ff', `${UUID}%00`],
      phase: ['BASELINE', 'unknown', '', '%00', 'baseline%00', '__proto__'],
      datetime: ['garbage', '', '2026-02-30T10:00:00Z', '1e309', 'NaN', '0', '-1', 'null', 'x'.repeat(5000), '%00'],
      maxPoints: [
        '1e309',
        '-1',
        '0',
        '9',
        '20001',
        'NaN',
        'Infinity',
        '-Infinity',
        '1.5',
        'abc',
        '',
        '9'.repeat(400),
        '%00',
        '1e5',
      ],
      limit: ['1e309', '-1', '0', '1001', 'NaN', '1.5', 'abc', '', '%00', '9'.repeat(400)],
      str100: ['x'.repeat(101), '%00', 'a%00b', `${'x'.repeat(50)}%00`],
      str40: ['x'.repeat(41), '%00'],
      action: ['SESSION.READ', 'session.*.*', '*', '', '%00', 'a%20b', "session';--"],
      cursor: ['abc', '9'.repeat(19), '-1', '1.5', '', '%00', '1e3'],
      format: ['xml', 'CSV', '', 'csv%00', 'json', 'ndjson%20'],
    };
    const VALID_QUERY: Record<string, string> = {
      uuid: b.siteId,
      phase: PHASES[0],
      datetime: '2026-01-01T00:00:00Z',
      maxPoints: '100',
      limit: '10',
      str100: 'admin',
      str40: 'session',
      action: 'session.read',
      cursor: '1',
      format: 'csv',
    };
    const queryEndpoints: { name: string; path: string; token: string; params: Record<string, string> }[] = [
      {
        name: 'GET /sessions',
        path: at('/sessions'),
        token: b.nurse.token!,
        params: { siteId: 'uuid', phase: 'phase', from: 'datetime', to: 'datetime' },
      },
      {
        name: 'GET /sessions/:id/readings',
        path: at(`/sessions/${hostileSessionId}/readings`),
        token: b.nurse.token!,
        params: { from: 'datetime', to: 'datetime', maxPoints: 'maxPoints' },
      },
      {
        name: 'GET /audit',
        path: at('/audit'),
        token: admin.token!,
        params: {
          actor: 'str100',
          action: 'action',
          entityType: 'str40',
          entityId: 'str100',
          siteId: 'uuid',
          from: 'datetime',
          to: 'datetime',
          cursor: 'cursor',
          limit: 'limit',
        },
      },
      {
        name: 'GET /audit/export',
        path: at('/audit/export'),
        token: admin.token!,
        params: { format: 'format', actor: 'str100', from: 'datetime' },
      },
    ];
    const UNKNOWN_QUERY = ['foo=1', '__proto__=1', 'constructor=1', 'toString=1', 'hasOwnProperty=1', 'a[b]=1', '=1'];
    UNKNOWN_QUERY.push('%00=1', 'maxPoints[]=10', 'from[gt]=x', `${'k'.repeat(1000)}=1`);
    for (const e of queryEndpoints) {
      const add = (label: string, queryString: string) =>
        restCases.push({
          target: 'REST query strings',
          label: `${e.name} ?${label}`,
          method: 'GET',
          path: `${e.path}?${queryString}`,
          token: e.token,
          expect: [400],
        });
      for (const [param, kind] of Object.entries(e.params)) {
        for (const bad of BAD_QUERY[kind]!) add(`${param}=${show(bad)}`, `${param}=${bad}`);
        add(`${param} twice`, `${param}=${VALID_QUERY[kind]}&${param}=${VALID_QUERY[kind]}`);
      }
      for (const q of UNKNOWN_QUERY) add(show(q), q);
    }

    // Path parameters that are not ids.
    const BAD_IDS = [
      'not-a-uuid',
      '1',
      '0',
      '-1',
      'null',
      'undefined',
      'true',
      '%00',
      '%ff',
      '%E0%A4%A',
      '..%2F..%2Fetc%2Fpasswd',
    ];
    BAD_IDS.push('%27%20OR%201%3D1--', 'x'.repeat(5000), `${UUID}0`, UUID.slice(0, -1), `%7B${UUID}%7D`, '__proto__');
    BAD_IDS.push('constructor', UUID.replace(/-/g, ''), `${UUID}%00`, '%F0%9F%98%80');
    const pathEndpoints: { method: string; path: (id: string) => string; token: string; body?: object }[] = [
      { method: 'GET', path: (id) => `/sessions/${id}`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/readings`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/alerts`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/discharge-readiness`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/record`, token: b.nurse.token! },
      { method: 'POST', path: (id) => `/sessions/${id}/infusion-end`, token: b.nurse.token!, body: {} },
      {
        method: 'POST',
        path: (id) => `/sessions/${id}/abort`,
        token: b.nurse.token!,
        body: { reason: 'hostile abort' },
      },
      { method: 'POST', path: (id) => `/sessions/${id}/addenda`, token: b.nurse.token!, body: { text: 'hostile' } },
      { method: 'PATCH', path: (id) => `/users/${id}`, token: admin.token!, body: { displayName: 'hostile' } },
      { method: 'POST', path: (id) => `/devices/${id}/revoke`, token: admin.token!, body: {} },
      { method: 'POST', path: (id) => `/alerts/${id}/acknowledge`, token: b.nurse.token!, body: {} },
    ];
    for (const e of pathEndpoints) {
      const add = (label: string, id: string, expect: Expect) =>
        restCases.push({
          target: 'REST path params',
          label: `${e.method} ${e.path(':id')} id=${label}`,
          method: e.method,
          path: at(e.path(id)),
          token: e.token,
          body: e.body && JSON.stringify(e.body),
          expect,
        });
      for (const id of BAD_IDS) add(show(id), id, [400]);
      add('nil uuid', '00000000-0000-0000-0000-000000000000', [400, 404]);
      add('unknown uuid', randomUUID(), [404]);
      add('another site’s session', goodSessionId, [404]);
    }

    // Authentication: every bad token, every malformed header, on a nurse endpoint.
    // What a header can carry at all (HTTP trims surrounding spaces, so those tokens would arrive intact).
    const headerSafe = (t: unknown): t is string =>
      typeof t === 'string' && /^[\x20-\x7e]*$/.test(t) && t.length < 8000 && t.trim() === t;
    for (const [label, token] of badUserTokens(nurseBId, b.nurse.token!, b.devices[0]!.token))
      if (headerSafe(token))
        restCases.push({
          target: 'REST auth',
          label,
          method: 'GET',
          path: at('/sessions'),
          headers: { authorization: `Bearer ${token}` },
          expect: [401],
        });
    for (const header of [
      'Bearer',
      'Bearer  ',
      'Basic YWRtaW46YWRtaW4=',
      `Token ${b.nurse.token}`,
      `Bearer ${b.nurse.token} extra`,
      `Bearer ${b.nurse.token},Bearer ${b.nurse.token}`,
      `Bearer ${'x'.repeat(7000)}`,
      `${b.nurse.token}`,
    ])
      restCases.push({
        target: 'REST auth',
        label: show(header),
        method: 'GET',
        path: at('/sessions'),
        headers: { authorization: header },
        expect: [401],
      });
    restCases.push({ target: 'REST auth', label: 'no token', method: 'GET', path: at('/sessions'), expect: [401] });

    // Below the API: routes and methods that do not exist, headers and URLs over Node's limits.
    for (const [method, path] of [
      ['GET', '/api/v1/nothing'],
      ['GET', '/api/v1/sessions/x/y/z'],
      ['DELETE', '/api/v1/sessions'],
      ['DELETE', `/api/v1/users/${nurseBId}`],
      ['PUT', '/api/v1/sites'],
      ['PROPFIND', '/api/v1/sites'],
      ['POST', '/api/v1/health'],
    ])
      restCases.push({
        target: 'REST transport',
        label: `${method} ${path}`,
        method,
        path: path!,
        token: b.nurse.token!,
        expect: [404],
      });
    restCases.push({
      target: 'REST transport',
      label: '20 kB header',
      method: 'GET',
      path: at('/sessions'),
      headers: { 'x-junk': 'x'.repeat(20_000) },
      expect: [431],
      transport: true,
    });
    restCases.push({
      target: 'REST transport',
      label: '20 kB URL',
      method: 'GET',
      path: at(`/sessions?from=${'x'.repeat(20_000)}`),
      expect: [414, 431],
      transport: true,
    });
    restCases.push({
      target: 'REST transport',
      label: '20 kB token',
      method: 'GET',
      path: at('/sessions'),
      headers: { authorization: `Bearer ${'x'.repeat(20_000)}` },
      expect: [431],
      transport: true,
    });
    // engine.io's own HTTP endpoint.
    for (const [label, method, path, body] of [
      ['protocol 3', 'GET', '/socket.io/?EIO=3&transport=polling', undefined],
      ['protocol 5', 'GET', '/socket.io/?EIO=5&transport=polling', undefined],
      ['no protocol', 'GET', '/socket.io/?transport=polling', undefined],
      ['unknown transport', 'GET', '/socket.io/?EIO=4&transport=carrier-pigeon', undefined],
      ['unknown session id', 'GET', '/socket.io/?EIO=4&transport=polling&sid=abc', undefined],
      ['POST without a session', 'POST', '/socket.io/?EIO=4&transport=polling', 'junk'],
      ['POST to an unknown session', 'POST', '/socket.io/?EIO=4&transport=polling&sid=abc', '4junk'],
      ['websocket without upgrade', 'GET', '/socket.io/?EIO=4&transport=websocket', undefined],
    ] as [string, string, string, string | undefined][])
      restCases.push({
        target: 'engine.io handshake',
        label,
        method,
        path,
        body,
        contentType: 'text/plain',
        expect: 'any4xx',
        transport: true,
      });

    await pool(restCases, 8, async (c) => {
      const headers: Record<string, string> = { ...c.headers };
      if (c.token) headers.authorization = `Bearer ${c.token}`;
      const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
      if (c.body !== undefined && contentType) headers['content-type'] = contentType;
      let status: number;
      let text = '';
      try {
        const response = await fetch(`${app.url}${c.path}`, {
          method: c.method,
          headers,
          body: typeof c.body === 'string' || c.body === undefined ? c.body : new Uint8Array(c.body),
          signal: AbortSignal.timeout(15_000),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        const closed = !(error instanceof Error && error.name === 'TimeoutError');
        if (!(closed && c.mayClose)) problems.add(c.target, c.label, `no answer: ${(error as Error).message}`);
        cases.add(c.target, closed && c.mayClose ? 'connection closed' : 'WRONG');
        return;
      }
      const expected = c.expect === 'any4xx' ? status >= 400 && status < 500 : c.expect.includes(status);
      let problem = expected ? null : `answered ${status}: ${text.slice(0, 200)}`;
      if (!problem && !c.transport) {
        const body = parseJson(text) as { statusCode?: unknown; error?: unknown; message?: unknown } | null;
        if (!body || body.statusCode !== status || typeof body.error !== 'string' || typeof body.message !== 'string')
          problem = `the body is not the contract's error body: ${text.slice(0, 200)}`;
      }
      if (problem) problems.add(c.target, c.label, problem);
      cases.add(c.target, problem ? 'WRONG' : String(status));
    });
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 150_000);

  it('raw WebSocket: closes the connection on malformed frames and packets, refuses malformed events', async () => {
    const problems = new Problems();
    const random = mulberry32(SEED + 3);
    const deviceAuth = { token: world.b.devices[1]!.token };

    /** A fresh connection (joined to /devices when asked), the action, then the service must close it or refuse. */
    interface Closing {
      target: string;
      label: string;
      join?: boolean;
      act: (ws: RawWebSocket) => void;
    }
    const closing: Closing[] = [];
    const add = (target: string, label: string, act: (ws: RawWebSocket) => void, join = false) =>
      closing.push({ target, label, act, join });

    // WebSocket framing that breaks RFC 6455.
    const framing = 'raw WebSocket framing';
    add(framing, 'unmasked client frame', (ws) => ws.frame(0x1, '42["x"]', { masked: false }));
    for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15])
      add(framing, `reserved opcode ${opcode}`, (ws) => ws.frame(opcode, 'x'));
    for (const rsv of [1, 2, 4, 3, 7]) add(framing, `reserved bits ${rsv}`, (ws) => ws.frame(0x1, '40', { rsv }));
    add(framing, 'ping of 126 bytes', (ws) => ws.frame(0x9, Buffer.alloc(126)));
    add(framing, 'fragmented ping', (ws) => ws.frame(0x9, 'x', { fin: false }));
    add(framing, 'continuation without a start', (ws) => ws.frame(0x0, 'x'));
    add(framing, 'new message inside a fragmented one', (ws) => {
      ws.frame(0x1, '42', { fin: false });
      ws.frame(0x1, '["x"]');
    });
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 2999, 5000])
      add(framing, `close code ${code}`, (ws) => {
        const payload = Buffer.alloc(2);
        payload.writeUInt16BE(code);
        ws.frame(0x8, payload);
      });
    add(framing, 'close frame of 1 byte', (ws) => ws.frame(0x8, Buffer.from([3])));
    add(framing, 'close reason not UTF-8', (ws) => ws.frame(0x8, Buffer.from([0x03, 0xe8, 0xff, 0xfe])));
    add(framing, 'length 2^63 − 1 declared', (ws) => ws.frame(0x1, 'x', { declaredLength: Number.MAX_SAFE_INTEGER }));
    const garbage = bytesFrom(random, 64);
    add(framing, 'garbage bytes instead of a frame', (ws) => ws.write(garbage));

    // Text frames that are not UTF-8 (RFC 6455 requires the connection to fail).
    const badUtf8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]];
    badUtf8.push(
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0x80],
      [0xe2, 0x82],
      [0xc3],
      [0xbf, 0xbf],
      [0xfc, 0x80, 0x80, 0x80, 0x80, 0x80],
    );
    const positions: [string, (bad: Buffer) => Buffer, boolean][] = [
      ['alone', (bad) => bad, false],
      ['as an engine.io packet type', (bad) => Buffer.concat([bad, Buffer.from('2["x"]')]), false],
      ['in an event name', (bad) => Buffer.concat([Buffer.from('42/devices,["'), bad, Buffer.from('"]')]), true],
      [
        'in a reading',
        (bad) => Buffer.concat([Buffer.from('42/devices,1["reading",{"recordedAt":"'), bad, Buffer.from('"}]')]),
        true,
      ],
      ['in a key', (bad) => Buffer.concat([Buffer.from('42/devices,2["reading",{"'), bad, Buffer.from('":1}]')]), true],
    ];
    for (const bytes of badUtf8)
      for (const [where, wrap, join] of positions)
        add(
          'raw UTF-8',
          `${Buffer.from(bytes).toString('hex')} ${where}`,
          (ws) => ws.text(wrap(Buffer.from(bytes))),
          join,
        );

    // Binary frames that no binary event announced.
    for (let i = 0; i < 60; i++) {
      const size = [1, 2, 16, 1024, 65_536, 200_000][i % 6]!;
      const bytes = bytesFrom(random, size);
      add('raw binary frames', `random ${size} bytes`, (ws) => ws.binary(bytes), i % 3 === 0);
    }

    // engine.io packets that are not engine.io, or not for a client to send.
    for (const packet of ['', '9', 'x', '2', '2probe', ' 4', '\u0000', '{}', '[]', 'null'])
      add('raw engine.io packets', show(packet), (ws) => ws.text(packet));
    for (let i = 0; i < 30; i++) {
      const junk = String.fromCharCode(
        ...Array.from({ length: 1 + Math.floor(random() * 40) }, () => 33 + Math.floor(random() * 94)),
      );
      if (/^[013456]/.test(junk)) continue; // well-formed packet types that engine.io ignores from a client
      add('raw engine.io packets', `random ${show(junk)}`, (ws) => ws.text(junk));
    }

    // socket.io packets that are malformed, or not for this connection.
    const sio = 'raw socket.io packets';
    const packets: [string, string, boolean][] = [
      ['empty socket.io packet', '4', false],
      ['unknown type 7', '47', false],
      ['unknown type 9', '49', false],
      ['type not a digit', '4x', false],
      ['namespace without type', '4/devices,', false],
      ['connect to /', '40', false],
      ['connect to an unknown namespace', '40/admin,', false],
      ['connect to /devices without auth', '40/devices,', false],
      ['connect with a string as auth', '40/devices,"token"', false],
      ['connect with an array as auth', '40/devices,[]', false],
      ['connect with invalid JSON', '40/devices,{', false],
      ['connect with a number token', '40/devices,{"token":123}', false],
      ['connect with a ~1 MB token', `40/devices,{"token":"${'x'.repeat(990_000)}"}`, false],
      ['connect /ward with a garbage token', '40/ward,{"token":"garbage"}', false],
      ['disconnect an unconnected namespace', '41/devices,', false],
      ['event on /', '42["reading",{}]', false],
      ['event on an unconnected namespace', '42/devices,["reading",{}]', false],
      ['ack on an unconnected namespace', '43/devices,1[]', false],
      ['connect_error sent by a client', '44/devices,{}', false],
      ['zero attachments', '45-["x"]', false],
      ['attachments not a number', '45x-["x"]', false],
      ['10 billion attachments', '459999999999-["reading",{"_placeholder":true,"num":0}]', false],
      ['invalid JSON', '42/devices,["reading"', true],
      ['payload an object', '42/devices,{}', true],
      ['payload empty', '42/devices,[]', true],
      ['payload [null]', '42/devices,[null]', true],
      ['payload [{}]', '42/devices,[{}]', true],
      ['payload [true]', '42/devices,[true]', true],
      ['payload a string', '42/devices,"reading"', true],
      ['payload a fraction', '42/devices,1.5', true],
      ['~1 MB of invalid JSON', `42/devices,${'x'.repeat(990_000)}`, true],
      ['connect twice', '40/devices,{}', true],
    ];
    for (const reserved of ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'])
      packets.push([`reserved event ${reserved}`, `42/devices,["${reserved}"]`, true]);
    for (const [label, packet, join] of packets) add(sio, label, (ws) => ws.text(packet), join);
    add(
      sio,
      'binary event, then text instead of the attachment',
      (ws) => {
        ws.text('451-/devices,["reading",{"_placeholder":true,"num":0}]');
        ws.text('42/devices,["reading",{}]');
      },
      true,
    );
    add(
      sio,
      'attachment index out of range',
      (ws) => {
        ws.text('451-/devices,["reading",{"_placeholder":true,"num":5}]');
        ws.binary(Buffer.from('x'));
      },
      true,
    );
    add(
      sio,
      'attachment placeholder nested 50,000 deep',
      (ws) => {
        ws.text(`451-/devices,["reading",${'['.repeat(50_000)}{"_placeholder":true,"num":0}${']'.repeat(50_000)}]`);
        ws.binary(Buffer.from('x'));
      },
      true,
    );

    // Frames over the 1 MB limit.
    const big = 'raw oversized frames';
    add(big, 'text frame of 1,000,001 bytes', (ws) => ws.text(Buffer.alloc(1_000_001, 0x61)));
    add(big, 'binary frame of 1,000,001 bytes', (ws) => ws.binary(Buffer.alloc(1_000_001)));
    add(big, 'text frame of 4 MB', (ws) => ws.text(Buffer.alloc(4_000_000, 0x61)));
    add(big, '2 MB declared, 10 bytes sent', (ws) => ws.frame(0x1, 'x'.repeat(10), { declaredLength: 2_000_000 }));
    add(big, 'fragments adding up to 1.2 MB', (ws) => {
      ws.frame(0x1, Buffer.alloc(400_000, 0x61), { fin: false });
      ws.frame(0x0, Buffer.alloc(400_000, 0x61), { fin: false });
      ws.frame(0x0, Buffer.alloc(400_000, 0x61));
    });
    add(big, 'event with a 1 MiB string', (ws) => ws.text(`42/devices,9["reading",{"hr":"${MIB}"}]`), true);

    await pool(closing, 8, async (c) => {
      let ws: RawWebSocket | null = null;
      try {
        ws = await RawWebSocket.open(app.port);
        if (c.join && !(await ws.join('/devices', deviceAuth))?.startsWith('40/devices,'))
          throw new Error('could not join /devices');
        c.act(ws);
        const socket = ws;
        // A CONNECT_ERROR packet (44…) refuses; a close frame or TCP close ends the connection.
        const refused = socket.receive((m) => typeof m === 'string' && m.startsWith('44'), 5_000);
        const closed = socket.closedWithin(5_000);
        const first = await Promise.race([refused.then((m) => (m ? 'connect_error' : null)), closed.then(() => null)]);
        const outcome = first ?? ((await closed) ? `closed ${socket.closeCode ?? '(TCP)'}` : 'still open');
        if (outcome === 'still open') problems.add(c.target, c.label, 'neither refused nor closed within 5 s');
        cases.add(c.target, outcome === 'still open' ? 'WRONG' : outcome);
      } catch (error) {
        problems.add(c.target, c.label, (error as Error).message);
        cases.add(c.target, 'WRONG');
      } finally {
        ws?.destroy();
      }
    });

    // Raw events on a connected /devices socket: each answered with a refusal, the socket kept.
    const ws = await RawWebSocket.open(app.port);
    expect(await ws.join('/devices', deviceAuth)).toMatch(/^40\/devices,/);
    const raws = rawReadingTexts(random);
    const batchTexts = [
      ['batch of 1e309s', `[${Array.from({ length: 50 }, () => '{"seq":1e309}').join(',')}]`],
      ['batch of 499 nulls', `[${Array.from({ length: 499 }, () => 'null').join(',')}]`],
      [
        'batch of deep arrays',
        `[${Array.from({ length: 10 }, () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`).join(',')}]`,
      ],
    ];
    let id = 100;
    for (const r of raws) {
      const ackId = ++id;
      ws.text(`42/devices,${ackId}["reading",${r.text}]`);
      const answer = await ws.receive((m) => typeof m === 'string' && m.startsWith(`43/devices,${ackId}[`), 10_000);
      const ack =
        typeof answer === 'string' ? (JSON.parse(answer.slice(`43/devices,${ackId}`.length)) as unknown[])[0] : null;
      const problem = refusal(ack, r.code);
      if (problem) problems.add('raw /devices events', r.label, problem);
      cases.add('raw /devices events', problem ? 'WRONG' : `ack ${r.code}`);
    }
    for (let i = 0; i < 5; i++) {
      const ackId = ++id;
      ws.text(`42/devices,${ackId}`);
      const answer = await ws.receive((m) => typeof m === 'string' && m.startsWith(`43/devices,${ackId}[`), 10_000);
      const ack =
        typeof answer === 'string' ? (JSON.parse(answer.slice(`43/devices,${ackId}`.length)) as unknown[])[0] : null;
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add('raw /devices events', 'an ack id without an event', problem);
      cases.add('raw /devices events', problem ? 'WRONG' : 'ack validation_failed');
    }
    for (const [label, text] of batchTexts) {
      const ackId = ++id;
      ws.text(`42/devices,${ackId}["readings",${text}]`);
      const answer = await ws.receive((m) => typeof m === 'string' && m.startsWith(`43/devices,${ackId}[`), 10_000);
      const ack =
        typeof answer === 'string'
          ? ((JSON.parse(answer.slice(`43/devices,${ackId}`.length)) as unknown[])[0] as BatchAck)
          : null;
      const ok = ack?.ok === true && ack.results.every((r) => refusal(r, 'validation_failed') === null);
      if (!ok) problems.add('raw /devices events', label, show(ack));
      cases.add('raw /devices events', ok ? 'every item refused' : 'WRONG');
    }
    expect(ws.closed).toBe(false);
    ws.destroy();
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 120_000);

  it('floods: a device far over its rate, a burst of logins, a ward client emitting non-stop', async () => {
    // One device sends 20,000 valid readings at once: it gets its burst and its rate, then rate_limited.
    const flooder = await connectDevice(app.url, world.b.devices[2]!.token);
    await flooder.resume;
    const started = performance.now();
    // 20,000 readings 10 ms apart, all in the past and within the session's clock tolerance.
    const from = Date.now() - 250_000;
    const acks = (await Promise.all(
      Array.from({ length: 20_000 }, (_, i) =>
        emitWithAck(flooder.socket, 60_000, 'reading', {
          ...reading(i + 1),
          recordedAt: new Date(from + (i + 1) * 10).toISOString(),
        }),
      ),
    )) as ReadingAck[];
    const seconds = (performance.now() - started) / 1000;
    for (const ack of acks) floods.add('/devices reading flood', ack.ok ? 'ok' : ack.error.code);
    floodAccepted = acks.filter((a) => a.ok).map((a) => a.seq!);
    expect(acks.every((a) => a.ok || a.error.code === 'rate_limited')).toBe(true);
    // DEVICE_RATE_BURST (2000) at once, then DEVICE_RATE_PER_SECOND (100) per second.
    expect(floodAccepted.length).toBeGreaterThanOrEqual(2000);
    expect(floodAccepted.length).toBeLessThanOrEqual(2000 + Math.ceil(100 * seconds) + 10);
    flooder.close();

    // 200 wrong passwords for one account at once, from one address: at most LOGIN_MAX_FAILURES are checked.
    const login = (username: string, password: string, address?: string) =>
      fetch(`${app.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
        body: JSON.stringify({ username, password }),
      }).then((r) => r.status);
    const calmStarted = performance.now();
    const [sameUser, calm] = await Promise.all([
      Promise.all(Array.from({ length: 200 }, () => login('flood-target', 'wrong-password-123', '203.0.113.7'))),
      // Meanwhile a nurse at the ward PC signs in normally.
      sleep(50).then(() => login(CALM.username, CALM.password)),
    ]);
    const calmMs = performance.now() - calmStarted;
    for (const status of sameUser) floods.add('login flood, one account', String(status));
    expect(sameUser.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_MAX_FAILURES);
    expect(sameUser.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(calm).toBe(200);
    floods.add('login during the flood', `${calm} in ${Math.round(calmMs)} ms`);
    // 100 accounts from one address: the address is refused after four times as many failures.
    const manyUsers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(`flood-user-${i}`, 'wrong-password-123', '203.0.113.8')),
    );
    for (const status of manyUsers) floods.add('login flood, 100 accounts', String(status));
    expect(manyUsers.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_MAX_FAILURES * 4);
    expect(manyUsers.filter((s) => s !== 401 && s !== 429)).toEqual([]);

    // A ward client emits 20,000 events as fast as it can; it is still answered afterwards.
    const noisy = await connectWard(world.b.nurse);
    await noisy.snapshot;
    for (let i = 0; i < 20_000; i++) noisy.socket.emit('vitals', { sessionId: goodSessionId, seq: i, hr: 500 });
    floods.add('/ward emit flood', 'sent without ack', 20_000);
    const after = await emitWithAck(noisy.socket, 30_000, 'vitals', {});
    expect(refusal(after, 'validation_failed')).toBeNull();
    floods.add('/ward emit flood', 'then answered');
    noisy.close();
  }, 120_000);

  it('stayed responsive, stored nothing invalid, changed nothing, and did not crash', async () => {
    await sleep(500);
    await monitor.stop();
    const seconds = (performance.now() - suiteStarted) / 1000;
    const answered = cases.total((o) => o !== UNANSWERABLE);
    const latencies = monitor.samples.map((m) => m.ms);
    const warnings = app
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":40'))
      .map((line) => (parseJson(line) as { msg?: string } | null)?.msg ?? line.slice(0, 80));
    const during = phases.map((p) => {
      const ms = monitor.samples.filter((m) => m.at >= p.from && m.at < phaseEnd(p)).map((m) => m.ms);
      const name = p.name.replace(/^hostile input /, '').slice(0, 44);
      return `  ${name.padEnd(46)} ${((phaseEnd(p) - p.from) / 1000).toFixed(1).padStart(6)} s  ${String(ms.length).padStart(5)} readings  p99 ${percentile(ms, 99).toFixed(0).padStart(4)} ms  max ${Math.max(
        0,
        ...ms,
      )
        .toFixed(0)
        .padStart(4)} ms`;
    });
    const summary = [
      `Hostile input: ${cases.total()} cases (${answered} answered, seed ${SEED}) in ${seconds.toFixed(1)} s`,
      `${'target'.padEnd(34)} ${'cases'.padStart(6)}  outcomes`,
      cases.table(),
      '',
      'Floods (not counted as cases)',
      floods.table(),
      '',
      `Well-behaved monitor: ${monitor.acked.length} of ${monitor.samples.length} readings acknowledged ok, ` +
        `ack latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ` +
        `max ${Math.max(...latencies).toFixed(0)} ms; /health ${monitor.health.length} polls, ` +
        `${monitor.health.filter((h) => h.status === 200).length} × 200, ` +
        `max ${Math.max(...monitor.health.map((h) => h.ms)).toFixed(0)} ms`,
      ...during,
      `Service log: ${warnings.length} warnings${warnings.length ? ` (${[...new Set(warnings)].slice(0, 5).join('; ')})` : ''}`,
    ].join('\n');
    console.log(summary);

    expect(answered).toBeGreaterThanOrEqual(MIN_CASES);
    expect(cases.total((o) => o === 'WRONG')).toBe(0);

    // The well-behaved client was served throughout.
    expect(monitor.problems).toEqual([]);
    expect(monitor.acked.length).toBeGreaterThan(100);
    expect(Math.max(...latencies)).toBeLessThan(2_000);
    await eventually(() => {
      const shown = new Set(ward.vitals.filter((v) => v.sessionId === goodSessionId).map((v) => v.seq));
      expect(monitor.acked.filter((seq) => !shown.has(seq))).toEqual([]);
    }, 10_000);

    // Nothing invalid was stored.
    const count = async (sql: string, params: unknown[] = []) =>
      (await query<{ n: number }>(db.url, sql, params))[0]!.n;
    expect(
      await count('SELECT count(*)::int AS n FROM readings WHERE session_id = ANY($1::uuid[])', [
        [hostileSessionId, rawSessionId],
      ]),
    ).toBe(0);
    const stored = await query<{ seq: string }>(db.url, 'SELECT seq FROM readings WHERE session_id = $1 ORDER BY seq', [
      goodSessionId,
    ]);
    expect(stored.map((r) => Number(r.seq))).toEqual([...monitor.acked].sort((a, b) => a - b));
    const flooded = await query<{ seq: string }>(
      db.url,
      'SELECT seq FROM readings WHERE session_id = $1 ORDER BY seq',
      [floodSessionId],
    );
    expect(flooded.map((r) => Number(r.seq))).toEqual([...floodAccepted].sort((a, b) => a - b));
    const inRange = MEASUREMENTS.map((m) => {
      const { min, max } = MEASUREMENT_RANGES[m];
      return `(${m} IS NULL OR ${m} BETWEEN ${min} AND ${max})`;
    }).join(' AND ');
    expect(
      await count(
        `SELECT count(*)::int AS n FROM readings WHERE NOT (seq >= 0 AND ${inRange}
           AND num_nonnulls(hr, sbp, dbp, map, spo2, rr, temp) > 0
           AND NOT (sbp > 0 AND dbp > 0 AND dbp >= sbp)
           AND recorded_at <= received_at + interval '5 minutes')`,
      ),
    ).toBe(0);
    expect(await fingerprints()).toEqual(fingerprintsBefore);

    // The service is still the same process, and logged no error.
    expect(app.child.exitCode).toBeNull();
    expect(app.child.signalCode).toBeNull();
    const errors = app
      .output()
      .split('\n')
      .filter((line) => /"level":(50|60)|QueryFailedError|Unhandled|uncaught|Maximum call stack/i.test(line));
    expect(errors.slice(0, 10)).toEqual([]);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  }, 60_000);
});
