import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MeasuredValues } from '#contracts';
import type { ValidReading } from '#vitals';
import { DataSource } from 'typeorm';
import type { SeriesText } from './reading-series.js';

/**
 * Every statement on the `readings` table, and only here: the services that need readings (ingest,
 * the trend, the alert engines, discharge, the REMS form) call these methods. Raw SQL, because the
 * table is the hot one; each method answers rows as the statement returns them, or in a plain form.
 */

const INSERT_SQL = `
  INSERT INTO readings (device_id, seq, session_id, recorded_at, hr, sbp, dbp, map, spo2, rr, temp)
  SELECT device_id, seq, session_id, 'epoch'::timestamptz + ms * interval '1 millisecond', hr, sbp, dbp, map, spo2, rr, temp
    FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::bigint[],
                $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[])
      AS u(device_id, seq, session_id, ms, hr, sbp, dbp, map, spo2, rr, temp)
  ON CONFLICT (device_id, seq) DO NOTHING
  RETURNING device_id, seq`;

const EXISTING_SQL = `
  SELECT r.device_id, r.seq, r.recorded_at, r.hr, r.sbp, r.dbp, r.map, r.spo2, r.rr, r.temp
    FROM readings r JOIN unnest($1::uuid[], $2::bigint[]) AS k(device_id, seq) USING (device_id, seq)`;

/** $1 session, $2 from, $3 to (either may be null). */
const IN_RANGE = `session_id = $1
  AND recorded_at >= COALESCE($2::timestamptz, '-infinity') AND recorded_at <= COALESCE($3::timestamptz, 'infinity')`;

/**
 * The range's readings as one row (`SeriesText`): a count and, per field, the values in order
 * joined by commas (an empty value for NULL); times in whole microseconds since the epoch. The
 * database sends 10 strings instead of 14,400 rows, and they are read with `split` instead of a
 * type parser per value. The aggregates read the ordered subquery's rows in order (which SQL does
 * not promise, so `ReadingSeries.fromText` checks it).
 */
export const SERIES_SQL = `
  SELECT count(*)::int AS n,
         string_agg(seq::text, ',') AS seq,
         string_agg((extract(epoch FROM recorded_at) * 1000000)::bigint::text, ',') AS us,
         string_agg(coalesce(hr::text, ''), ',') AS hr,
         string_agg(coalesce(sbp::text, ''), ',') AS sbp,
         string_agg(coalesce(dbp::text, ''), ',') AS dbp,
         string_agg(coalesce(map::text, ''), ',') AS map,
         string_agg(coalesce(spo2::text, ''), ',') AS spo2,
         string_agg(coalesce(rr::text, ''), ',') AS rr,
         string_agg(coalesce(temp::text, ''), ',') AS temp
    FROM (SELECT seq, recorded_at, hr, sbp, dbp, map, spo2, rr, temp FROM readings
           WHERE ${IN_RANGE} ORDER BY recorded_at, seq) r`;

/**
 * How many readings the range holds now (an index-only count on `ix_readings_session_recorded`),
 * and its bounds in microseconds as PostgreSQL reads them, so that a cached series is cut exactly
 * where the query would cut it.
 */
export const COUNT_SQL = `
  SELECT count(*)::int AS n,
         (extract(epoch FROM COALESCE($2::timestamptz, '-infinity')) * 1000000)::text AS "fromUs",
         (extract(epoch FROM COALESCE($3::timestamptz, 'infinity')) * 1000000)::text AS "toUs"
    FROM readings WHERE ${IN_RANGE}`;

const COLUMNS = 'session_id, seq, recorded_at, hr, sbp, dbp, map, spo2, rr, temp';

const LATEST_SQL = `SELECT DISTINCT ON (session_id) ${COLUMNS} FROM readings
        WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, recorded_at DESC, seq DESC`;

/** The newest non-zero value of each field that discharge readiness looks at. */
const LATEST_VALUES_SQL = `SELECT
  (SELECT sbp FROM readings WHERE session_id = $1 AND sbp > 0 ORDER BY recorded_at DESC LIMIT 1) AS sbp,
  (SELECT dbp FROM readings WHERE session_id = $1 AND dbp > 0 ORDER BY recorded_at DESC LIMIT 1) AS dbp,
  (SELECT hr FROM readings WHERE session_id = $1 AND hr > 0 ORDER BY recorded_at DESC LIMIT 1) AS hr,
  (SELECT spo2 FROM readings WHERE session_id = $1 AND spo2 > 0 ORDER BY recorded_at DESC LIMIT 1) AS spo2`;

const AFTER_CURSORS_SQL = `SELECT w.session_id, r.seq, r.ms, r.hr, r.sbp, r.dbp, r.map, r.spo2, r.rr, r.temp
         FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS w(session_id, after_ms, after_seq)
         -- one index scan of (session_id, recorded_at) per session, whatever the planner thinks of unnest
         CROSS JOIN LATERAL (
           SELECT seq, (extract(epoch FROM recorded_at) * 1000)::bigint AS ms, hr, sbp, dbp, map, spo2, rr, temp
             FROM readings
            WHERE session_id = w.session_id
              AND recorded_at >= 'epoch'::timestamptz + w.after_ms * interval '1 millisecond'
              AND (recorded_at, seq) > ('epoch'::timestamptz + w.after_ms * interval '1 millisecond', w.after_seq)
            ORDER BY recorded_at, seq) r
        ORDER BY w.session_id, r.ms, r.seq`;

const REBUILD_SQL = `SELECT seq, (extract(epoch FROM recorded_at) * 1000)::bigint AS ms, hr, sbp, dbp, map, spo2, rr, temp,
              received_at > now() - interval '60 seconds' AS recent
         FROM readings
        WHERE session_id = $1 AND ($2::bigint IS NULL OR recorded_at > 'epoch'::timestamptz + $2::bigint * interval '1 millisecond')
        ORDER BY recorded_at, seq`;

/**
 * One row per session of the patient with its peaks found in SQL (a session holds thousands of
 * readings: only the three peak rows leave the database). BP peaks skip implausible cuff readings
 * (pulse pressure outside 20–100, as the detection engine's plausibility rule), so an artefact never
 * becomes a patient's "peak"; 0 is no signal.
 */
const PATIENT_INFUSIONS_SQL = `
  SELECT s.id, s.series_number, s.phase, p.key AS protocol_key, p.version AS protocol_version, s.created_at,
         s.infusion_started_at, s.infusion_ended_at, s.ended_at, s.weight_kg, s.planned_dose_mg_per_kg,
         s.baseline, s.infusion_override_reason, s.abort_reason, sig.override_reason AS sign_off_override_reason,
         psbp.sbp AS peak_sbp, psbp.recorded_at AS peak_sbp_at, pdbp.dbp AS peak_dbp, pdbp.recorded_at AS peak_dbp_at,
         phr.hr AS peak_hr, phr.recorded_at AS peak_hr_at,
         COALESCE((SELECT json_agg(json_build_object('kind', a.kind, 'severity', a.severity) ORDER BY a.opened_at)
                     FROM alerts a WHERE a.session_id = s.id), '[]') AS alerts
    FROM sessions s
    JOIN protocols p ON p.id = s.protocol_id
    LEFT JOIN signatures sig ON sig.session_id = s.id
    LEFT JOIN LATERAL (
      SELECT r.sbp, r.recorded_at FROM readings r
       WHERE r.session_id = s.id AND r.recorded_at >= s.infusion_started_at AND r.sbp > 0
         AND (r.dbp IS NULL OR r.dbp <= 0 OR r.sbp - r.dbp BETWEEN 20 AND 100)
       ORDER BY r.sbp DESC, r.recorded_at LIMIT 1) psbp ON true
    LEFT JOIN LATERAL (
      SELECT r.dbp, r.recorded_at FROM readings r
       WHERE r.session_id = s.id AND r.recorded_at >= s.infusion_started_at AND r.dbp > 0
         AND (r.sbp IS NULL OR r.sbp <= 0 OR r.sbp - r.dbp BETWEEN 20 AND 100)
       ORDER BY r.dbp DESC, r.recorded_at LIMIT 1) pdbp ON true
    LEFT JOIN LATERAL (
      SELECT r.hr, r.recorded_at FROM readings r
       WHERE r.session_id = s.id AND r.recorded_at >= s.infusion_started_at AND r.hr > 0
       ORDER BY r.hr DESC, r.recorded_at LIMIT 1) phr ON true
   WHERE s.site_id = $1 AND s.patient_ref = $2 AND s.infusion_started_at IS NOT NULL AND s.id <> $3
   ORDER BY s.infusion_started_at
   LIMIT 500`;

/**
 * The plain threshold monitor, summed in the database so that a week of 1 Hz readings never leaves
 * it: one alarm per monitored sample (infusion start to discharge or abort) beyond the medium limit
 * of each rule, with the same limits and the session's frozen baseline as the engine. 0 is no signal.
 */
const THRESHOLD_SAMPLES_SQL = `
  WITH chosen AS (
    SELECT s.id, s.infusion_started_at, s.ended_at, p.rules,
           (s.baseline->>'sbp')::float AS bsbp, (s.baseline->>'dbp')::float AS bdbp, (s.baseline->>'hr')::float AS bhr
      FROM sessions s JOIN protocols p ON p.id = s.protocol_id
     WHERE s.site_id = $1 AND ($2::uuid IS NULL OR s.protocol_id = $2)
  AND s.infusion_started_at >= $3 AND s.infusion_started_at < $4)
  SELECT c.id, c.infusion_started_at, t.samples, t.bp_rise, t.hr_rise, t.spo2_low, t.hr_low
    FROM chosen c
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS samples,
        count(*) FILTER (WHERE
          (r.sbp > 0 AND (r.sbp >= (c.rules->'bpRise'->>'highSbp')::float
                          OR r.sbp > c.bsbp * (100 + (c.rules->'bpRise'->>'mediumPct')::float) / 100))
          OR (r.dbp > 0 AND (r.dbp >= (c.rules->'bpRise'->>'highDbp')::float
                          OR r.dbp > c.bdbp * (100 + (c.rules->'bpRise'->>'mediumPct')::float) / 100)))::int AS bp_rise,
        count(*) FILTER (WHERE r.hr > 0 AND (
          r.hr >= (c.rules->'hrRise'->>'highMin')::float
          OR r.hr > c.bhr * (100 + (c.rules->'hrRise'->>'highPct')::float) / 100
          OR (r.hr > c.bhr * (100 + (c.rules->'hrRise'->>'mediumPct')::float) / 100
              AND r.hr >= (c.rules->'hrRise'->>'mediumMin')::float)))::int AS hr_rise,
        count(*) FILTER (WHERE r.spo2 > 0 AND r.spo2 < (c.rules->'spo2Low'->>'medium')::float)::int AS spo2_low,
        count(*) FILTER (WHERE r.hr > 0 AND r.hr < (c.rules->'hrLow'->>'medium')::float)::int AS hr_low
        FROM readings r
       WHERE r.session_id = c.id AND r.recorded_at >= c.infusion_started_at
         AND (c.ended_at IS NULL OR r.recorded_at <= c.ended_at)) t
   ORDER BY c.infusion_started_at`;

/** A reading to insert: the device's, bound to a session. */
export interface NewReading {
  deviceId: string;
  sessionId: string;
  reading: ValidReading;
}

/** A stored row as the trend and the ward read it. */
export interface ReadingRecord extends MeasuredValues {
  session_id: string;
  seq: string;
  recorded_at: Date;
}

export interface RangeCount {
  n: number;
  fromUs: string;
  toUs: string;
}

/** Where an engine stands in a session's readings, by (recorded_at, seq). */
export interface ReadingPosition {
  ms: number;
  seq: number;
}

interface EngineRecord {
  session_id?: string;
  seq: string;
  ms: string;
  hr: number | null;
  sbp: number | null;
  dbp: number | null;
  map: number | null;
  spo2: number | null;
  rr: number | null;
  temp: number | null;
  recent: boolean;
}

export interface PatientInfusionRow {
  id: string;
  series_number: number;
  phase: string;
  protocol_key: string;
  protocol_version: number;
  created_at: Date;
  infusion_started_at: Date | null;
  infusion_ended_at: Date | null;
  ended_at: Date | null;
  weight_kg: string;
  planned_dose_mg_per_kg: string;
  baseline: { sbp: number | null; dbp: number | null; hr: number | null; spo2: number | null } | null;
  infusion_override_reason: string | null;
  abort_reason: string | null;
  sign_off_override_reason: string | null;
  peak_sbp: number | null;
  peak_sbp_at: Date | null;
  peak_dbp: number | null;
  peak_dbp_at: Date | null;
  peak_hr: number | null;
  peak_hr_at: Date | null;
  alerts: { kind: string; severity: string }[];
}

/** A session's counts of threshold alarms, for the alarm-burden report. */
export interface ThresholdSamples {
  id: string;
  infusion_started_at: Date;
  samples: number;
  bp_rise: number;
  hr_rise: number;
  spo2_low: number;
  hr_low: number;
}

function toReading(row: EngineRecord): ValidReading {
  const { seq, ms, hr, sbp, dbp, map, spo2, rr, temp } = row;
  return { seq: Number(seq), recordedAtMs: Number(ms), hr, sbp, dbp, map, spo2, rr, temp };
}

@Injectable()
export class ReadingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts what is not stored yet (by device and seq); answers the (device, seq) of each row inserted. */
  insert(rows: NewReading[]): Promise<{ device_id: string; seq: string }[]> {
    const column = <T>(pick: (row: NewReading) => T) => rows.map(pick);
    return this.dataSource.query(INSERT_SQL, [
      column((i) => i.deviceId),
      column((i) => i.reading.seq),
      column((i) => i.sessionId),
      column((i) => i.reading.recordedAtMs),
      column((i) => i.reading.hr),
      column((i) => i.reading.sbp),
      column((i) => i.reading.dbp),
      column((i) => i.reading.map),
      column((i) => i.reading.spo2),
      column((i) => i.reading.rr),
      column((i) => i.reading.temp),
    ]);
  }

  /** The stored readings with these (device, seq) keys, for telling a resend from a conflict. */
  async existing(keys: { deviceId: string; seq: number }[]): Promise<{ deviceId: string; reading: ValidReading }[]> {
    const rows: (Omit<ValidReading, 'seq' | 'recordedAtMs'> & { device_id: string; seq: string; recorded_at: Date })[] =
      await this.dataSource.query(EXISTING_SQL, [keys.map((k) => k.deviceId), keys.map((k) => k.seq)]);
    return rows.map(({ device_id, seq, recorded_at, ...values }) => ({
      deviceId: device_id,
      reading: { ...values, seq: Number(seq), recordedAtMs: recorded_at.getTime() },
    }));
  }

  /** The highest `seq` stored for the device. */
  async lastSeq(deviceId: string): Promise<number | null> {
    const rows: { last: string | null }[] = await this.dataSource.query(
      'SELECT max(seq) AS last FROM readings WHERE device_id = $1',
      [deviceId],
    );
    return rows[0]?.last == null ? null : Number(rows[0].last);
  }

  /** What was stored for a session: count, first and last seq and time (the ingestion summary). */
  async storedSummary(sessionId: string): Promise<Record<string, unknown> | undefined> {
    const [stored] = (await this.dataSource.query(
      `SELECT count(*)::int AS readings, min(seq)::text AS "firstSeq", max(seq)::text AS "lastSeq",
              min(recorded_at) AS "firstRecordedAt", max(recorded_at) AS "lastRecordedAt"
         FROM readings WHERE session_id = $1`,
      [sessionId],
    )) as Record<string, unknown>[];
    return stored;
  }

  /** Count, first and last time, and the extremes of a session's readings (the record's summary). */
  async recordSummary(sessionId: string): Promise<Record<string, unknown> | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS readings, min(recorded_at) AS first, max(recorded_at) AS last,
              max(sbp) AS "maxSbp", max(dbp) AS "maxDbp", max(hr) AS "maxHr",
              min(NULLIF(spo2, 0)) AS "minSpo2", min(NULLIF(hr, 0)) AS "minHr"
         FROM readings WHERE session_id = $1`,
      [sessionId],
    )) as Record<string, unknown>[];
    return row;
  }

  /** A range of a session's readings as one row of joined text (see `SERIES_SQL`); `from`/`to` null: open. */
  async seriesText(sessionId: string, from: string | null, to: string | null): Promise<SeriesText> {
    const [row] = (await this.dataSource.query(SERIES_SQL, [sessionId, from, to])) as SeriesText[];
    return row!;
  }

  /** How many readings a range holds now, with its bounds (see `COUNT_SQL`). */
  async rangeCount(sessionId: string, from: string | null, to: string | null): Promise<RangeCount> {
    const [count] = (await this.dataSource.query(COUNT_SQL, [sessionId, from, to])) as RangeCount[];
    return count!;
  }

  /** The newest reading of each of these sessions (none asked: none read). */
  latest(sessionIds: string[]): Promise<ReadingRecord[]> {
    return this.dataSource.query(LATEST_SQL, [sessionIds]);
  }

  /** The newest non-zero BP, HR and SpO2 of a session, each on its own. */
  async latestValues(
    sessionId: string,
  ): Promise<{ sbp: number | null; dbp: number | null; hr: number | null; spo2: number | null }> {
    const rows = (await this.dataSource.query(LATEST_VALUES_SQL, [sessionId])) as {
      sbp: number | null;
      dbp: number | null;
      hr: number | null;
      spo2: number | null;
    }[];
    return rows[0]!;
  }

  /** The cuff readings (both pressures) of a session in time order, at most 5,000. */
  cuffReadings(sessionId: string): Promise<{ at: Date; sbp: number; dbp: number }[]> {
    return this.dataSource.query(
      `SELECT recorded_at AS at, sbp, dbp FROM readings
          WHERE session_id = $1 AND sbp > 0 AND dbp > 0 ORDER BY recorded_at LIMIT 5000`,
      [sessionId],
    );
  }

  /**
   * The readings of these sessions stored after each one's position, in (recorded_at, seq) order, in
   * one statement: how an engine is fed when the readings may be committed by any instance.
   */
  async readingsAfter(positions: Map<string, ReadingPosition>): Promise<Map<string, ValidReading[]>> {
    const ids = [...positions.keys()];
    const rows: EngineRecord[] = await this.dataSource.query(AFTER_CURSORS_SQL, [
      ids,
      ids.map((id) => positions.get(id)!.ms),
      ids.map((id) => positions.get(id)!.seq),
    ]);
    const bySession = new Map<string, ValidReading[]>();
    for (const row of rows) {
      const list = bySession.get(row.session_id!);
      if (list) list.push(toReading(row));
      else bySession.set(row.session_id!, [toReading(row)]);
    }
    return bySession;
  }

  /**
   * A session's readings recorded after `afterMs` (all of them when null), in (recorded_at, seq)
   * order, each marked `recent` when it was received in the last 60 seconds: what an engine is
   * rebuilt from.
   */
  async forRebuild(sessionId: string, afterMs: number | null): Promise<{ reading: ValidReading; recent: boolean }[]> {
    const rows: EngineRecord[] = await this.dataSource.query(REBUILD_SQL, [sessionId, afterMs]);
    return rows.map((row) => ({ reading: toReading(row), recent: row.recent }));
  }

  /** One row per other infused session of the patient at the site, with its peaks (see `PATIENT_INFUSIONS_SQL`). */
  patientInfusions(siteId: string, patientRef: string, exceptId: string): Promise<PatientInfusionRow[]> {
    return this.dataSource.query(PATIENT_INFUSIONS_SQL, [siteId, patientRef, exceptId]);
  }

  /** Per session dosed at the site in [from, to) (of one protocol, if given): samples beyond each rule's limit. */
  thresholdSamples(siteId: string, protocolId: string | null, from: Date, to: Date): Promise<ThresholdSamples[]> {
    return this.dataSource.query(THRESHOLD_SAMPLES_SQL, [siteId, protocolId, from, to]);
  }
}
