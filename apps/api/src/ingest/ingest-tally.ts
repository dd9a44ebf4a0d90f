import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OPEN_PHASES, type ReadingAck } from '#contracts';
import { SYSTEM } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import { logger } from '../common/logger.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { DomainEvents } from '../events/domain-events.js';

interface Tally {
  duplicates: number;
  refused: Record<string, number>;
}

/**
 * Readings are the record itself, so they are not audited one by one. Instead each session's
 * ingestion is summarised in one audit event when the session ends: the stored readings (count,
 * first and last seq, from the database) and the acknowledgements that refused or repeated one
 * (counted in this process since it started).
 */
@Injectable()
export class IngestTally implements OnModuleInit {
  private readonly bySession = new Map<string, Tally>();

  constructor(
    private readonly readings: ReadingsRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('session.changed', ({ session }) => {
      if (OPEN_PHASES.includes(session.phase)) return;
      void this.summarise(session.id, session.siteId).catch((error: unknown) =>
        logger.warn({ err: error, sessionId: session.id }, 'could not record the ingestion summary'),
      );
    });
  }

  count(sessionId: string | null, ack: ReadingAck): void {
    if (!sessionId || (ack.ok && !ack.duplicate)) return;
    let tally = this.bySession.get(sessionId);
    if (!tally) this.bySession.set(sessionId, (tally = { duplicates: 0, refused: {} }));
    if (ack.ok) tally.duplicates++;
    else tally.refused[ack.error.code] = (tally.refused[ack.error.code] ?? 0) + 1;
  }

  private async summarise(sessionId: string, siteId: string): Promise<void> {
    const stored = await this.readings.storedSummary(sessionId);
    const tally = this.bySession.get(sessionId) ?? { duplicates: 0, refused: {} };
    this.bySession.delete(sessionId);
    await this.audit.recordAlone(SYSTEM, {
      action: 'ingest.summary',
      entityType: 'session',
      entityId: sessionId,
      siteId,
      details: { ...stored, duplicates: tally.duplicates, refusedByCode: tally.refused },
    });
  }
}
