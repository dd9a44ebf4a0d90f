import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Phase } from '#contracts';
import { DetectionEngine, type AlertEvent, type EngineInput, type ValidReading } from '#vitals';
import { DataSource } from 'typeorm';
import { Protocol } from '../protocols/protocol.entity.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import type { Session } from '../sessions/session.entity.js';
import { AlertStore } from './alert-store.js';
import type { LiveEngine, ReadingCursor } from './live-engines.js';

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
    private readonly readings: ReadingsRepository,
  ) {}

  /** The readings of these sessions stored after each one's cursor (see `ReadingsRepository.readingsAfter`). */
  readingsAfter(cursors: Map<string, ReadingCursor>): Promise<Map<string, ValidReading[]>> {
    return this.readings.readingsAfter(cursors);
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
    const rows = await this.readings.forRebuild(session.id, after);
    const inputs: EngineInput[] = rows.map((row) => ({ type: 'reading', reading: row.reading }));
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
      replayed: new Set(rows.filter((r) => r.recent).map((r) => r.reading.seq)),
      failed: false,
      epoch,
      // The rows after the saved state were all read; without rows, everything after its newest reading.
      cursor: last
        ? { ms: last.reading.recordedAtMs, seq: last.reading.seq }
        : after === null
          ? { ms: 0, seq: -1 }
          : { ms: after, seq: Number.MAX_SAFE_INTEGER },
    };
    return { live, events };
  }
}
