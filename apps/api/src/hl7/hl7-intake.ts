import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Hl7Message } from '@medplum/core';
import type { AckError, ReadingAck } from '#contracts';
import { checkReading } from '#vitals';
import { logger } from '../common/logger.js';
import { IngestService } from '../ingest/ingest.service.js';
import { ackOf, nakOfUnreadable } from './hl7-ack.js';
import { Hl7Messages } from './hl7-messages.js';
import { type Hl7Device, Hl7Sources } from './hl7-sources.js';
import { type Hl7Problem, type MappedReading, readPcd01, type SourceClaim } from './pcd01-mapping.js';

export interface Outcome {
  /** The acknowledgement to send back. */
  ack: string;
  device: Hl7Device | null;
  /** Set when the message was refused: for the audit trail. */
  refusal: { problem: Hl7Problem; controlId: string | null; source: SourceClaim | null } | null;
  stored: number;
}

const decoder = new TextDecoder('utf-8');

/** Which acknowledgement a refused reading earns: AR when resending later may succeed, AE when it will not. */
function problemOf(error: AckError, reading: MappedReading): Hl7Problem {
  const obx =
    error.field && error.field in reading.from ? reading.from[error.field as keyof MappedReading['from']] : undefined;
  const location = obx !== undefined ? { segment: 'OBX', sequence: obx, field: 5 } : undefined;
  switch (error.code) {
    case 'rate_limited':
    case 'unavailable':
      return { ack: 'AR', code: error.code, hl7Error: 207, message: error.message };
    case 'clock_skew':
      return {
        ack: 'AE',
        code: error.code,
        hl7Error: 102,
        message: error.message,
        location: obx !== undefined ? { segment: 'OBX', sequence: obx, field: 14 } : undefined,
      };
    case 'validation_failed':
      return { ack: 'AE', code: error.code, hl7Error: 102, message: error.message, location };
    case 'seq_conflict':
      return { ack: 'AE', code: error.code, hl7Error: 205, message: error.message };
    default:
      return { ack: 'AE', code: error.code, hl7Error: 207, message: error.message };
  }
}

/** The database could not be reached: nothing was filed, and the gateway should resend the message. */
const STORAGE_UNAVAILABLE: Hl7Problem = {
  ack: 'AR',
  code: 'unavailable',
  hl7Error: 207,
  message: 'Storage is unavailable; nothing was stored. Resend later',
};

const worse = (a: Hl7Problem | null, b: Hl7Problem) => (a === null || (a.ack === 'AE' && b.ack === 'AR') ? b : a);

/**
 * One HL7 message in, one acknowledgement out, on the socket devices' path: read and map it, find
 * its registered source, give its readings their device `seq`s, and hand each to the ingest service
 * (validation, rate limit, bound session, durable write). `AA` only once every reading is stored.
 */
@Injectable()
export class Hl7Intake {
  constructor(
    private readonly sources: Hl7Sources,
    private readonly messages: Hl7Messages,
    private readonly ingest: IngestService,
  ) {}

  async receive(payload: Buffer): Promise<Outcome> {
    let message: Hl7Message;
    try {
      message = Hl7Message.parse(decoder.decode(payload));
    } catch {
      const problem: Hl7Problem = {
        ack: 'AR',
        code: 'malformed',
        hl7Error: 100,
        message: 'not an HL7 v2 message (no MSH segment)',
      };
      return {
        ack: nakOfUnreadable(problem),
        device: null,
        refusal: { problem, controlId: null, source: null },
        stored: 0,
      };
    }
    const read = readPcd01(message);
    if (!read.ok) return this.refuse(message, read.problem, read.controlId, null, null);
    const device = await this.sources.find(read.source).catch((error: unknown) => {
      logger.warn({ err: error }, 'HL7 source lookup failed');
      return 'unavailable' as const;
    });
    if (device === 'unavailable') {
      return this.refuse(message, STORAGE_UNAVAILABLE, read.controlId, read.source, null);
    }
    if (device === null || device === 'ambiguous') {
      const text =
        device === null
          ? 'unknown source: register this sending application, facility and device (EUI-64) or bed as a device'
          : 'several registered devices match this message; make the registrations distinct';
      return this.refuse(
        message,
        {
          ack: 'AR',
          code: 'unknown_source',
          hl7Error: 204,
          message: text,
          location: { segment: 'MSH', sequence: 1, field: 3 },
        },
        read.controlId,
        read.source,
        null,
      );
    }
    // Checked as a whole before anything is written, so that a message is never half filed.
    const inputs = read.readings.map((reading, i) => ({
      seq: i,
      recordedAt: new Date(reading.recordedAtMs).toISOString(),
      ...reading.values,
    }));
    for (const [i, input] of inputs.entries()) {
      const checked = checkReading(input, Date.now());
      if (!checked.ok)
        return this.refuse(message, problemOf(checked.error, read.readings[i]!), read.controlId, read.source, device);
    }
    const hash = createHash('sha256')
      .update(JSON.stringify(read.readings.map((r) => [r.recordedAtMs, r.values])))
      .digest('hex');
    let firstSeq: number;
    try {
      const claim = await this.messages.claim(device.deviceId, read.controlId, hash, read.readings.length);
      if (!claim.ok) {
        return this.refuse(
          message,
          {
            ack: 'AE',
            code: 'seq_conflict',
            hl7Error: 205,
            message: `control id ${read.controlId.slice(0, 40)} was already filed with different content`,
            location: { segment: 'MSH', sequence: 1, field: 10 },
          },
          read.controlId,
          read.source,
          device,
        );
      }
      firstSeq = claim.firstSeq;
    } catch (error) {
      logger.warn({ err: error, deviceId: device.deviceId }, 'HL7 message not filed: the database is unavailable');
      return this.refuse(message, STORAGE_UNAVAILABLE, read.controlId, read.source, device);
    }
    const acks: ReadingAck[] = await this.ingest.ingestAll(
      device.deviceId,
      inputs.map((input, i) => ({ ...input, seq: firstSeq + i })),
    );
    let problem: Hl7Problem | null = null;
    let stored = 0;
    acks.forEach((ack, i) => {
      if (ack.ok) stored += ack.duplicate ? 0 : 1;
      else problem = worse(problem, problemOf(ack.error, read.readings[i]!));
    });
    if (problem) return this.refuse(message, problem, read.controlId, read.source, device, stored);
    return { ack: ackOf(message, null), device, refusal: null, stored };
  }

  private refuse(
    message: Hl7Message,
    problem: Hl7Problem,
    controlId: string | null,
    source: SourceClaim | null,
    device: Hl7Device | null,
    stored = 0,
  ): Outcome {
    return { ack: ackOf(message, problem), device, refusal: { problem, controlId, source }, stored };
  }
}
