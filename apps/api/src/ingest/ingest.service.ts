import { Inject, Injectable } from '@nestjs/common';
import { type BatchAck, MAX_BATCH_READINGS, type ReadingAck } from '#contracts';
import { checkReading, MAX_CLOCK_AHEAD_MS } from '#vitals';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { logger } from '../common/logger.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { Metrics } from '../common/metrics.js';
import { refusal } from '../common/socket-answers.js';
import { DeviceRateLimit } from './device-rate-limit.js';
import { IngestTally } from './ingest-tally.js';
import { ReadingWriter, StorageUnavailableError } from './reading-writer.js';
import { SessionBindings } from './session-bindings.js';

const BUSY_LOG_INTERVAL_MS = 10_000;

/**
 * The answer to a reading that arrived while too many were in flight: its `seq` when it has one, and
 * nothing else is looked at, so that refusing a burst costs next to nothing.
 */
function busy(input: unknown): ReadingAck {
  const seq = (input as { seq?: unknown } | null)?.seq;
  return {
    seq: typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null,
    ...refusal('unavailable', 'Too many readings are waiting to be stored; nothing was stored. Resend later'),
  };
}

/**
 * The device protocol's rules for one reading or a batch: validate, rate-limit, find the bound
 * session, store, and answer with the acknowledgement the contract describes. Never throws.
 */
@Injectable()
export class IngestService {
  private accepting = true;
  /** Readings between arrival and acknowledgement, over all devices. */
  private inFlight = 0;
  private readonly maxInFlight: number;
  private lastBusyLogMs = -Infinity;

  constructor(
    private readonly writer: ReadingWriter,
    private readonly bindings: SessionBindings,
    private readonly tally: IngestTally,
    private readonly metrics: Metrics,
    private readonly rate: DeviceRateLimit,
    private readonly readings: ReadingsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxInFlight = config.ingestMaxInFlight;
  }

  /** During shutdown: refuse new readings (the device resends them to the next instance). */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** One reading: stored and acknowledged, or refused. */
  async ingest(deviceId: string, input: unknown): Promise<ReadingAck> {
    if (!this.admit(1)) return this.counted(deviceId, performance.now(), busy(input));
    return this.release(1, this.acknowledge(deviceId, input));
  }

  /**
   * Several readings of one device (a `readings` batch, an HL7 message), admitted or refused together:
   * a device never finds a later `seq` of its batch stored and an earlier one refused for being busy.
   */
  async ingestAll(deviceId: string, inputs: readonly unknown[]): Promise<ReadingAck[]> {
    if (!this.admit(inputs.length))
      return inputs.map((input) => this.counted(deviceId, performance.now(), busy(input)));
    return this.release(inputs.length, Promise.all(inputs.map((input) => this.acknowledge(deviceId, input))));
  }

  /** Readings between arrival and acknowledgement, over all devices (`im_ingest_in_flight`). */
  get readingsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Bounds what a burst holds in memory (a clinic's monitors all reconnecting and resending their
   * backlogs at once): beyond `INGEST_MAX_IN_FLIGHT` readings between arrival and acknowledgement,
   * more are refused with `unavailable` before any work, and the devices resend them later. One
   * batch is always admitted when nothing is in flight, whatever its size.
   */
  private admit(count: number): boolean {
    if (this.inFlight > 0 && this.inFlight + count > this.maxInFlight) {
      const now = Date.now();
      if (now - this.lastBusyLogMs >= BUSY_LOG_INTERVAL_MS) {
        this.lastBusyLogMs = now;
        logger.warn(
          { inFlight: this.inFlight, limit: this.maxInFlight },
          'readings refused: too many waiting to be stored (INGEST_MAX_IN_FLIGHT)',
        );
      }
      return false;
    }
    this.inFlight += count;
    return true;
  }

  private async release<T>(count: number, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      this.inFlight -= count;
    }
  }

  private async acknowledge(deviceId: string, input: unknown): Promise<ReadingAck> {
    const started = performance.now();
    return this.counted(deviceId, started, await this.answer(deviceId, input));
  }

  /** Counts an acknowledgement for the session's tally and the metrics, and returns it. */
  private counted(deviceId: string, started: number, ack: ReadingAck): ReadingAck {
    this.tally.count(this.bindings.known(deviceId)?.sessionId ?? null, ack);
    this.metrics.ack(
      ack.ok ? (ack.duplicate ? 'duplicate' : 'stored') : ack.error.code,
      (performance.now() - started) / 1000,
    );
    return ack;
  }

  private async answer(deviceId: string, input: unknown): Promise<ReadingAck> {
    const checked = checkReading(input, Date.now());
    if (!checked.ok) return { ok: false, seq: checked.seq, error: checked.error };
    const { reading } = checked;
    if (!this.accepting)
      return { seq: reading.seq, ...refusal('unavailable', 'The service is shutting down; resend later') };
    const allowed = this.rate.take(deviceId);
    if (allowed === false || (allowed !== true && !(await allowed))) {
      return {
        seq: reading.seq,
        ...refusal('rate_limited', 'Too many readings from this device; slow down and resend'),
      };
    }
    try {
      const binding = this.bindings.known(deviceId) ?? (await this.bindings.of(deviceId));
      if (!binding)
        return { seq: reading.seq, ...refusal('no_active_session', 'No open session is bound to this device') };
      // A reading from before the session began is not this patient's (a clock reset to 1970, a
      // previous patient's backlog). A backlog from within the session, sent after an outage, is.
      if (reading.recordedAtMs < binding.openedAtMs - MAX_CLOCK_AHEAD_MS) {
        return {
          seq: reading.seq,
          ...refusal('clock_skew', 'recordedAt is more than 5 minutes before the session began'),
        };
      }
      const outcome = await this.writer.write(deviceId, binding, reading);
      if (outcome === 'conflict') {
        return {
          seq: reading.seq,
          ...refusal('seq_conflict', `seq ${reading.seq} is already stored with different content`),
        };
      }
      return { ok: true, seq: reading.seq, duplicate: outcome === 'duplicate' };
    } catch (error) {
      if (!(error instanceof StorageUnavailableError))
        logger.warn({ err: error, deviceId }, 'reading refused: database error');
      return {
        seq: reading.seq,
        ...refusal('unavailable', 'Storage is unavailable; nothing was stored. Resend later'),
      };
    }
  }

  async ingestBatch(deviceId: string, input: unknown): Promise<BatchAck> {
    if (!Array.isArray(input) || input.length === 0 || input.length > MAX_BATCH_READINGS) {
      return refusal(
        'validation_failed',
        `readings must be an array of 1 to ${MAX_BATCH_READINGS} readings`,
        'readings',
      );
    }
    return { ok: true, results: await this.ingestAll(deviceId, input) };
  }

  /** The highest `seq` durably stored for the device, for `resume`. */
  async lastSeq(deviceId: string): Promise<number | null> {
    return this.readings.lastSeq(deviceId);
  }
}
