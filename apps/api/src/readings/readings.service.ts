import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MeasuredValues, VitalsEvent } from '#contracts';
import { downsample } from '#vitals';
import { DataSource } from 'typeorm';

interface ReadingRecord extends MeasuredValues {
  session_id: string;
  seq: string;
  recorded_at: Date;
}

export function toVitals(row: ReadingRecord): VitalsEvent {
  return {
    sessionId: row.session_id,
    seq: Number(row.seq),
    recordedAt: row.recorded_at.toISOString(),
    hr: row.hr,
    sbp: row.sbp,
    dbp: row.dbp,
    map: row.map,
    spo2: row.spo2,
    rr: row.rr,
    temp: row.temp,
  };
}

const COLUMNS = 'session_id, seq, recorded_at, hr, sbp, dbp, map, spo2, rr, temp';

@Injectable()
export class ReadingsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A session's readings by `recordedAt`, at most `maxPoints` of them, peaks kept. */
  async trend(sessionId: string, range: { from?: string; to?: string; maxPoints: number }) {
    const rows: ReadingRecord[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM readings
        WHERE session_id = $1 AND recorded_at >= COALESCE($2::timestamptz, '-infinity') AND recorded_at <= COALESCE($3::timestamptz, 'infinity')
        ORDER BY recorded_at, seq`,
      [sessionId, range.from ?? null, range.to ?? null],
    );
    const points = rows.map((row) => ({ ...toVitals(row), t: row.recorded_at.getTime() }));
    const kept = downsample(points, range.maxPoints);
    return {
      sessionId,
      total: rows.length,
      downsampled: kept.length < rows.length,
      readings: kept.map(({ t: _t, ...vitals }) => vitals),
    };
  }

  /** The newest reading of each of these sessions. */
  async latest(sessionIds: string[]): Promise<Map<string, VitalsEvent>> {
    if (sessionIds.length === 0) return new Map();
    const rows: ReadingRecord[] = await this.dataSource.query(
      `SELECT DISTINCT ON (session_id) ${COLUMNS} FROM readings
        WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, recorded_at DESC, seq DESC`,
      [sessionIds],
    );
    return new Map(rows.map((row) => [row.session_id, toVitals(row)]));
  }
}
