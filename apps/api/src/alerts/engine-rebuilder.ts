import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Phase } from '#contracts';
import { DetectionEngine, type AlertEvent, type EngineInput, type ValidReading } from '#vitals';
import { DataSource } from 'typeorm';
import { Protocol } from '../protocols/protocol.entity.js';
import type { Session } from '../sessions/session.entity.js';
import { AlertStore } from './alert-store.js';
import type { LiveEngine, ReadingCursor } from './live-engines.js';

interface ReadingRecord {
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

const PHASE_STEPS: { phase: Phase; at: (s: Session) => Date | null }[] = [
  { phase: 'infusing', at: (s) => s.infusionStartedAt },
  { phase: 'recovery', at: (s) => s.infusionEndedAt },
  { phase: 'discharged', at: (s) => (s.phase === 'discharged' ? s.endedAt : null) },
  { phase: 'aborted', at: (s) => (s.phase === 'aborted' ? s.endedAt : null) },
];

/**
 * Builds a session's engine from the database: the saved state if there is one, then every reading
 * stored after it and every phase change not yet applied, in time order. The result is what the
 * engine would be had the process never stopped; the events it returns are stored idempotently.
 */
@Injectable()
export class EngineRebuilder {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: AlertStore,
  ) {}

  /**
   * The readings of these sessions stored after each one's cursor, in (recorded_at, seq) order, in one
   * statement: how an engine is fed when the readings may be committed by any instance.
   */
  async readingsAfter(cursors: Map<string, ReadingCursor>): Promise<Map<string, ValidReading[]>> {
    const ids = [...cursors.keys()];
    const rows: ReadingRecord[] = await this.dataSource.query(
      `SELECT w.session_id, r.seq, r.ms, r.hr, r.sbp, r.dbp, r.map, r.spo2, r.rr, r.temp
         FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS w(session_id, after_ms, after_seq)
         -- one index scan of (session_id, recorded_at) per session, whatever the planner thinks of unnest
         CROSS JOIN LATERAL (
           SELECT seq, (extract(epoch FROM recorded_at) * 1000)::bigint AS ms, hr, sbp, dbp, map, spo2, rr, temp
             FROM readings
            WHERE session_id = w.session_id
              AND recorded_at >= 'epoch'::timestamptz + w.after_ms * interval '1 millisecond'
              AND (recorded_at, seq) > ('epoch'::timestamptz + w.after_ms * interval '1 millisecond', w.after_seq)
            ORDER BY recorded_at, seq) r
        ORDER BY w.session_id, r.ms, r.seq`,
      [ids, ids.map((id) => cursors.get(id)!.ms), ids.map((id) => cursors.get(id)!.seq)],
    );
    const bySession = new Map<string, ValidReading[]>();
    for (const row of rows) {
      const list = bySession.get(row.session_id!);
      if (list) list.push(toReading(row));
      else bySession.set(row.session_id!, [toReading(row)]);
    }
    return bySession;
  }

  async rebuild(session: Session, epoch: number | null = null): Promise<{ live: LiveEngine; events: AlertEvent[] }> {
    const saved = await this.store.loadState(session.id);
    let engine: DetectionEngine;
    if (saved) {
      engine = DetectionEngine.restore(saved);
    } else {
      const protocol = await this.dataSource.getRepository(Protocol).findOneByOrFail({ id: session.protocolId });
      engine = DetectionEngine.create(protocol.rules);
    }
    const after = saved?.newestReadingMs ?? null;
    const rows: ReadingRecord[] = await this.dataSource.query(
      `SELECT seq, (extract(epoch FROM recorded_at) * 1000)::bigint AS ms, hr, sbp, dbp, map, spo2, rr, temp,
              received_at > now() - interval '60 seconds' AS recent
         FROM readings
        WHERE session_id = $1 AND ($2::bigint IS NULL OR recorded_at > 'epoch'::timestamptz + $2::bigint * interval '1 millisecond')
        ORDER BY recorded_at, seq`,
      [session.id, after],
    );
    const inputs: EngineInput[] = rows.map((row) => ({ type: 'reading', reading: toReading(row) }));
    for (const step of PHASE_STEPS) {
      const at = step.at(session);
      if (at) inputs.push({ type: 'phase', phase: step.phase, atMs: at.getTime() });
    }
    const time = (input: EngineInput) => (input.type === 'reading' ? input.reading.recordedAtMs : input.atMs);
    // Stable: readings stay in stored order; a phase change goes before readings recorded after it.
    inputs.sort((a, b) => time(a) - time(b));
    const events = inputs.flatMap((input) => engine.apply(input));
    const last = rows.at(-1);
    const live: LiveEngine = {
      sessionId: session.id,
      siteId: session.siteId,
      engine,
      queue: Promise.resolve(),
      unsavedSinceMs: Date.now(),
      replayed: new Set(rows.filter((r) => r.recent).map((r) => Number(r.seq))),
      failed: false,
      epoch,
      // The rows after the saved state were all read; without rows, everything after its newest reading.
      cursor: last
        ? { ms: Number(last.ms), seq: Number(last.seq) }
        : after === null
          ? { ms: 0, seq: -1 }
          : { ms: after, seq: Number.MAX_SAFE_INTEGER },
    };
    return { live, events };
  }
}

function toReading(row: ReadingRecord): ValidReading {
  const { seq, ms, hr, sbp, dbp, map, spo2, rr, temp } = row;
  return { seq: Number(seq), recordedAtMs: Number(ms), hr, sbp, dbp, map, spo2, rr, temp };
}
