import { EventEmitter } from 'node:events';
import {
  type BatchAck,
  type Phase,
  type Reading,
  type ReadingAck,
  RESEND_LATER_CODES,
  resendDelayMs,
} from '#contracts';
import { io, type Socket } from 'socket.io-client';

/** Measurements of one reading; the device adds `seq` and `recordedAt`. */
export type Measurements = Omit<Reading, 'seq' | 'recordedAt'>;

export interface DeviceStats {
  sent: number;
  acknowledged: number;
  duplicates: number;
  /** Transmissions answered with `unavailable` or `rate_limited` (kept and sent again). */
  retried: number;
  /** Readings the service refused for good, by error code (dropped). */
  refused: Record<string, number>;
  reconnects: number;
}

export interface SimulatedDeviceOptions {
  /** Milliseconds before an unanswered transmission is sent again. */
  ackTimeoutMs?: number;
  /**
   * Milliseconds to wait after `unavailable` / `rate_limited` (or no answer) before sending again the
   * first time; each further round without an acknowledgement waits longer (resendDelayMs: doubling
   * up to 8×, each ± half). Default 1,000.
   */
  retryMs?: number;
  /** Keep every acknowledged seq in `acknowledgedSeqs` (for tests that check nothing was lost). */
  trackAcknowledged?: boolean;
}

const BATCH_LIMIT = 500;

/**
 * A chair's monitor as the device protocol expects it to behave: `seq` strictly increasing for the
 * device's life (after a restart it continues above the `resume.lastSeq` the service reports), every
 * reading kept in an outbox until the service acknowledges it, and on every (re)connection the
 * outbox sent again in order, in batches. Readings refused for a reason that will not change
 * (`validation_failed`, `no_active_session`, …) are dropped and counted; `unavailable` and
 * `rate_limited` are sent again later, backing off (resendDelayMs).
 *
 * Events: `resume` ({lastSeq, sessionId}), `session` ({sessionId, phase}), `ack` (seq, ack),
 * `refused` (seq, code), `connect_error` (Error).
 */
export class SimulatedDevice extends EventEmitter {
  readonly stats: DeviceStats = { sent: 0, acknowledged: 0, duplicates: 0, retried: 0, refused: {}, reconnects: 0 };
  readonly acknowledgedSeqs = new Set<number>();
  sessionId: string | null = null;
  phase: Phase | null = null;

  private readonly socket: Socket;
  private readonly outbox = new Map<number, Reading>();
  /** Seqs sent on the current connection and not answered yet. */
  private readonly inFlight = new Set<number>();
  private nextSeq = 0;
  private ready = false;
  private connection = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Resend rounds since the last acknowledgement: the backoff's attempt. */
  private retryRound = 0;
  private readonly ackTimeoutMs: number;
  private readonly retryMs: number;
  private readonly trackAcknowledged: boolean;

  /** The service's address now (one of `urls`). */
  url: string;
  private readonly urls: string[];

  /**
   * `url` may list several instances of the service: after a lost connection each reconnection
   * attempt goes to the next one, as a monitor configured with a primary and standby addresses does.
   */
  constructor(url: string | string[], token: string, options: SimulatedDeviceOptions = {}) {
    super();
    this.urls = Array.isArray(url) ? url : [url];
    this.url = this.urls[0]!;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.retryMs = options.retryMs ?? 1_000;
    this.trackAcknowledged = options.trackAcknowledged ?? false;
    this.socket = io(`${this.url}/devices`, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
    });
    this.socket.on('resume', (resume: { lastSeq: number | null; sessionId: string | null }) => {
      if (resume.lastSeq !== null && resume.lastSeq >= this.nextSeq) this.nextSeq = resume.lastSeq + 1;
      this.sessionId = resume.sessionId;
      this.ready = true;
      this.emit('resume', resume);
      this.flush();
    });
    this.socket.on('session', (binding: { sessionId: string | null; phase: Phase | null }) => {
      this.sessionId = binding.sessionId;
      this.phase = binding.phase ?? null;
      this.emit('session', binding);
    });
    this.socket.on('disconnect', () => {
      this.ready = false;
      this.connection++;
      this.inFlight.clear();
    });
    this.socket.io.on('reconnect', () => this.stats.reconnects++);
    this.socket.io.on('reconnect_attempt', (attempt) => {
      if (this.urls.length < 2) return;
      this.url = this.urls[attempt % this.urls.length]!;
      // The manager opens its next connection to `uri`; the namespace stays /devices.
      (this.socket.io as unknown as { uri: string }).uri = this.url;
    });
    this.socket.on('connect_error', (error) => this.emit('connect_error', error));
  }

  /** Resolves at the first `resume` (the device then knows where its seq stands). */
  resumed(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.once('resume', () => resolve()));
  }

  get connected(): boolean {
    return this.ready;
  }

  /** Readings not acknowledged yet. */
  get pending(): number {
    return this.outbox.size;
  }

  /** Stamps a reading with the next seq and the current time, keeps it, and sends it. */
  send(measurements: Measurements, recordedAt = new Date()): Reading {
    const reading = this.keep(measurements, recordedAt);
    if (this.ready) this.transmit([reading]);
    return reading;
  }

  /** Readings taken earlier (the monitor's buffer), oldest first: kept, and sent together as batches. */
  sendTaken(taken: { measurements: Measurements; recordedAt: Date }[]): void {
    for (const { measurements, recordedAt } of taken) this.keep(measurements, recordedAt);
    this.flush();
  }

  private keep(measurements: Measurements, recordedAt: Date): Reading {
    const reading: Reading = { seq: this.nextSeq++, recordedAt: recordedAt.toISOString(), ...measurements };
    this.outbox.set(reading.seq, reading);
    this.stats.sent++;
    return reading;
  }

  /** Resolves when every reading sent so far has been answered (or rejects after `timeoutMs`). */
  async drained(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outbox.size > 0) {
      if (Date.now() > deadline) throw new Error(`${this.outbox.size} readings still unacknowledged`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A network failure: the connection drops without a goodbye and the client reconnects on its own. */
  dropConnection(): void {
    this.socket.io.engine?.close();
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket.disconnect();
    this.removeAllListeners();
  }

  /** Sends everything in the outbox that is not already on its way, oldest first. */
  private flush(): void {
    if (!this.ready) return;
    const waiting = [...this.outbox.values()].filter((r) => !this.inFlight.has(r.seq)).sort((a, b) => a.seq - b.seq);
    for (let i = 0; i < waiting.length; i += BATCH_LIMIT) this.transmit(waiting.slice(i, i + BATCH_LIMIT));
  }

  private transmit(readings: Reading[]): void {
    const connection = this.connection;
    for (const reading of readings) this.inFlight.add(reading.seq);
    const answered = (reading: Reading, ack: ReadingAck | null) => {
      if (connection !== this.connection) return; // a late answer from a connection that is gone
      this.inFlight.delete(reading.seq);
      this.settle(reading, ack);
    };
    const socket = this.socket.timeout(this.ackTimeoutMs);
    if (readings.length === 1) {
      const [reading] = readings as [Reading];
      socket.emit('reading', reading, (error: Error | null, ack: ReadingAck) => answered(reading, error ? null : ack));
      return;
    }
    socket.emit('readings', readings, (error: Error | null, ack: BatchAck) => {
      readings.forEach((reading, i) => {
        if (error) return answered(reading, null);
        answered(reading, ack.ok ? (ack.results[i] ?? null) : { ok: false, seq: reading.seq, error: ack.error });
      });
    });
  }

  private settle(reading: Reading, ack: ReadingAck | null): void {
    if (ack?.ok) {
      if (!this.outbox.delete(reading.seq)) return;
      this.retryRound = 0;
      this.stats.acknowledged++;
      if (ack.duplicate) this.stats.duplicates++;
      if (this.trackAcknowledged) this.acknowledgedSeqs.add(reading.seq);
      this.emit('ack', reading.seq, ack);
      return;
    }
    if (ack === null || RESEND_LATER_CODES.includes(ack.error.code)) {
      // No answer in time, storage down or over the rate: keep it and send it again later.
      this.stats.retried++;
      this.scheduleRetry();
      return;
    }
    this.outbox.delete(reading.seq);
    this.stats.refused[ack.error.code] = (this.stats.refused[ack.error.code] ?? 0) + 1;
    this.emit('refused', reading.seq, ack.error.code);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    const delayMs = (resendDelayMs(++this.retryRound) * this.retryMs) / 1000;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, delayMs);
    this.retryTimer.unref?.();
  }
}
