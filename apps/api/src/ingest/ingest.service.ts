import { Injectable } from '@nestjs/common';
import { type BatchAck, MAX_BATCH_READINGS, type ReadingAck } from '#contracts';
import { checkReading, MAX_CLOCK_AHEAD_MS } from '#vitals';
import { logger } from '../common/logger.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { Metrics } from '../common/metrics.js';
import { refusal } from '../common/socket-answers.js';
import { DeviceRateLimit } from './device-rate-limit.js';
import { IngestTally } from './ingest-tally.js';
import { ReadingWriter, StorageUnavailableError } from './reading-writer.js';
import { SessionBindings } from './session-bindings.js';

/**
 * The device protocol's rules for one reading or a batch: validate, rate-limit, find the bound
 * session, store, and answer with the acknowledgement the contract describes. Never throws.
 */
@Injectable()
export class IngestService {
  private accepting = true;

  constructor(
    private readonly writer: ReadingWriter,
    private readonly bindings: SessionBindings,
    private readonly tally: IngestTally,
    private readonly metrics: Metrics,
    private readonly rate: DeviceRateLimit,
    private readonly readings: ReadingsRepository,
  ) {}

  /** During shutdown: refuse new readings (the device resends them to the next instance). */
  stopAccepting(): void {
    this.accepting = false;
  }

  async ingest(deviceId: string, input: unknown): Promise<ReadingAck> {
    const started = performance.now();
    const ack = await this.answer(deviceId, input);
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
    const results = await Promise.all(input.map((item) => this.ingest(deviceId, item)));
    return { ok: true, results };
  }

  /** The highest `seq` durably stored for the device, for `resume`. */
  async lastSeq(deviceId: string): Promise<number | null> {
    return this.readings.lastSeq(deviceId);
  }
}
