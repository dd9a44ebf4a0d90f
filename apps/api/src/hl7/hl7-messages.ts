import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type Claim = { ok: true; firstSeq: number; resend: boolean } | { ok: false; reason: 'reused_control_id' };

const CLAIM_SQL = `
  INSERT INTO hl7_messages (device_id, control_id, content_hash, first_seq, reading_count)
  SELECT $1, $2, $3,
         (SELECT COALESCE(max(first_seq + GREATEST(reading_count, 1)), 0) FROM hl7_messages WHERE device_id = $1),
         $4
  ON CONFLICT (device_id, control_id) DO NOTHING
  RETURNING first_seq`;

const UNIQUE_VIOLATION = '23505';

/**
 * The control ids (MSH-10) each HL7 source has sent, and the device `seq`s given to their readings:
 * the next free ones, in order of arrival, so `seq` keeps growing for the device as the socket
 * protocol has it (an HL7 source never uses the socket protocol, so these are its only readings). The row is written before the readings; if the service dies in between, the
 * gateway (which got no AA) resends, finds the row, and files the readings under the same `seq`s.
 */
@Injectable()
export class Hl7Messages {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async claim(deviceId: string, controlId: string, contentHash: string, readingCount: number): Promise<Claim> {
    for (let attempt = 0; ; attempt++) {
      try {
        const inserted: { first_seq: string }[] = await this.dataSource.query(CLAIM_SQL, [
          deviceId,
          controlId,
          contentHash,
          readingCount,
        ]);
        if (inserted[0]) return { ok: true, firstSeq: Number(inserted[0].first_seq), resend: false };
        break;
      } catch (error) {
        // Two messages of one device on two connections took the same first seq: the later one tries again.
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 5) throw error;
      }
    }
    const rows: { content_hash: string; first_seq: string }[] = await this.dataSource.query(
      'SELECT content_hash, first_seq FROM hl7_messages WHERE device_id = $1 AND control_id = $2',
      [deviceId, controlId],
    );
    const row = rows[0];
    if (!row || row.content_hash !== contentHash) return { ok: false, reason: 'reused_control_id' };
    return { ok: true, firstSeq: Number(row.first_seq), resend: true };
  }
}
