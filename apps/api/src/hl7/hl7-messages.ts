import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Batcher } from '../common/batcher.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export type Claim = { ok: true; firstSeq: number; resend: boolean } | { ok: false; reason: 'reused_control_id' };

interface Pending {
  deviceId: string;
  controlId: string;
  contentHash: string;
  readingCount: number;
}

// New control ids get the device's next free seqs, in arrival order, also for several messages of
// one device in one batch (a message without readings still takes one, so first seqs stay unique).
const CLAIM_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[]) WITH ORDINALITY
      AS u(device_id, control_id, content_hash, reading_count, ord)
     WHERE NOT EXISTS (SELECT 1 FROM hl7_messages h WHERE h.device_id = u.device_id AND h.control_id = u.control_id)
  ), numbered AS (
    SELECT i.device_id, i.control_id, i.content_hash, i.reading_count,
           COALESCE(last.next, 0)
             + SUM(GREATEST(i.reading_count, 1)) OVER (PARTITION BY i.device_id ORDER BY i.ord)
             - GREATEST(i.reading_count, 1) AS first_seq
      FROM input i
      LEFT JOIN LATERAL (
        SELECT h.first_seq + GREATEST(h.reading_count, 1) AS next FROM hl7_messages h
         WHERE h.device_id = i.device_id ORDER BY h.first_seq DESC LIMIT 1) last ON true
  )
  INSERT INTO hl7_messages (device_id, control_id, content_hash, first_seq, reading_count)
  SELECT device_id, control_id, content_hash, first_seq, reading_count FROM numbered
  ON CONFLICT (device_id, control_id) DO NOTHING
  RETURNING device_id, control_id, first_seq`;

const EXISTING_SQL = `
  SELECT h.device_id, h.control_id, h.content_hash, h.first_seq
    FROM hl7_messages h JOIN unnest($1::uuid[], $2::text[]) AS k(device_id, control_id) USING (device_id, control_id)`;

const UNIQUE_VIOLATION = '23505';
const key = (deviceId: string, controlId: string) => `${deviceId}\u0000${controlId}`;

/**
 * The control ids (MSH-10) each HL7 source has sent, and the device `seq`s given to their readings:
 * the next free ones, in order of arrival, so `seq` keeps growing for the device as the socket
 * protocol has it (an HL7 source never uses the socket protocol, so these are its only readings).
 * The row is written before the readings; if the service dies in between, the gateway (which got no
 * AA) resends, finds the row, and files the readings under the same `seq`s. Claims that arrive
 * together are written in one statement, one batch at a time.
 */
@Injectable()
export class Hl7Messages {
  private readonly batcher: Batcher<Pending, Claim>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.batcher = new Batcher((batch) => this.commit(batch), {
      delayMs: config.ingestFlushMs,
      maxBatch: 1000,
      maxConcurrent: 1,
    });
  }

  claim(deviceId: string, controlId: string, contentHash: string, readingCount: number): Promise<Claim> {
    return this.batcher.add({ deviceId, controlId, contentHash, readingCount });
  }

  private async commit(batch: Pending[]): Promise<Claim[]> {
    const first = new Map<string, Pending>();
    for (const item of batch)
      if (!first.has(key(item.deviceId, item.controlId))) first.set(key(item.deviceId, item.controlId), item);
    const rows = [...first.values()];
    const inserted = new Map<string, number>();
    for (let attempt = 0; ; attempt++) {
      try {
        const result: { device_id: string; control_id: string; first_seq: string }[] = await this.dataSource.query(
          CLAIM_SQL,
          [
            rows.map((r) => r.deviceId),
            rows.map((r) => r.controlId),
            rows.map((r) => r.contentHash),
            rows.map((r) => r.readingCount),
          ],
        );
        for (const row of result) inserted.set(key(row.device_id, row.control_id), Number(row.first_seq));
        break;
      } catch (error) {
        // Another instance gave the same device's seqs at the same moment: number again.
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 3) throw error;
      }
    }
    const others = batch.filter(
      (item) =>
        !inserted.has(key(item.deviceId, item.controlId)) || first.get(key(item.deviceId, item.controlId)) !== item,
    );
    const existing = new Map<string, { content_hash: string; first_seq: string }>();
    if (others.length > 0) {
      const found: { device_id: string; control_id: string; content_hash: string; first_seq: string }[] =
        await this.dataSource.query(EXISTING_SQL, [others.map((i) => i.deviceId), others.map((i) => i.controlId)]);
      for (const row of found) existing.set(key(row.device_id, row.control_id), row);
    }
    return batch.map((item): Claim => {
      const k = key(item.deviceId, item.controlId);
      if (inserted.has(k) && first.get(k) === item) return { ok: true, firstSeq: inserted.get(k)!, resend: false };
      const row = existing.get(k);
      if (!row || row.content_hash !== item.contentHash) return { ok: false, reason: 'reused_control_id' };
      return { ok: true, firstSeq: Number(row.first_seq), resend: true };
    });
  }
}
