import type { Socket } from 'socket.io-client';

// Hostile values, the suite's settings and its bookkeeping (cases per target and how each was answered). (The hostile-input suite: suite.ts.)

export const SEED = 20_261_121;
export const JWT_SECRET = 'hostile-input-suite-jwt-secret-0123456789';
/** How many `reading` events the generator makes (the largest share of the cases). */
export const READING_CASES = 7_000;
export const LOGIN_MAX_FAILURES = 5;
export const CALM = { username: 'calm-nurse', password: 'quiet-ward-secret-1' };

// ---- hostile values ----------------------------------------------------------------------------

/** Just fits in one socket.io message (the service takes up to 1,000,000 bytes). */
export const NEAR_MB = 'x'.repeat(990_000);
/** Larger than any socket.io message or REST body the service takes. */
export const MIB = 'x'.repeat(1_048_576);
export const TEN_THOUSAND = Array.from({ length: 10_000 }, (_, i) => i);
export const UUID = '3f0c9a52-8d1e-4b6a-9c7e-2a5d4e6f7b80';
/** The JSON body parser's limit (its default, 100 kB). */
export const BODY_LIMIT = 102_400;

export function nested(depth: number, leaf: unknown, wrap: 'array' | 'object'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap === 'array' ? [value] : { a: value };
  return value;
}
export const DEEP_ARRAY = nested(1_000, 70, 'array');
export const DEEP_OBJECT = nested(1_000, 70, 'object');

/** An object with own properties of any name, `__proto__` included (as JSON.parse makes them). */
export function withKeys(entries: [string, unknown][], base: object = {}): Record<string, unknown> {
  const target: Record<string, unknown> = { ...base };
  for (const [key, value] of entries) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
}
export const PROTO = withKeys([['__proto__', { polluted: true }]]);
export const CONSTRUCTOR = withKeys([['constructor', { prototype: { polluted: true } }]]);

/** A short label for a value, for case names. */
export function show(value: unknown): string {
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
export class Tally {
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

export const cases = new Tally();
export const floods = new Tally();
/** Emits without an acknowledgement callback: the service cannot answer them, so they are not counted as answered. */
export const UNANSWERABLE = 'no ack requested (dropped)';

/** What went wrong, per case; each test asserts its list is empty (shows the first 25). */
export class Problems {
  readonly list: string[] = [];
  add(target: string, label: string, detail: string): void {
    this.list.push(`${target} — ${label}: ${detail.slice(0, 300)}`);
  }
  summary() {
    return { count: this.list.length, first: this.list.slice(0, 25) };
  }
}

export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Deterministic bytes from the seeded generator. */
export const bytesFrom = (random: () => number, size: number) =>
  Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
};

/** An acknowledgement that refuses: `{ok:false, error:{code, message}}` with the given code. */
export function refusal(ack: unknown, code: string): string | null {
  const a = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (!a || a.ok !== false) return `expected a refusal, got ${show(ack)}`;
  if (a.error?.code !== code) return `expected ${code}, got ${JSON.stringify(a.error).slice(0, 200)}`;
  if (typeof a.error.message !== 'string') return 'the refusal has no message';
  return null;
}

/** Emits with an acknowledgement; a timeout or a dropped connection becomes an `{ok:false, error:{code:'no answer…'}}`. */
export async function emitWithAck(
  socket: Socket,
  timeoutMs: number,
  event: unknown,
  ...args: unknown[]
): Promise<unknown> {
  if (!socket.connected) return { ok: false, error: { code: 'no answer (disconnected)' } };
  const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck: (...a: unknown[]) => Promise<unknown> };
  try {
    return await timed.emitWithAck(event, ...args);
  } catch (error) {
    return { ok: false, error: { code: `no answer (${(error as Error).message})` } };
  }
}
