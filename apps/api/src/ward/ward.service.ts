import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { SessionSummary, VitalsEvent } from '#contracts';
import { DomainEvents } from '../events/domain-events.js';
import { ReadingsService } from '../readings/readings.service.js';
import type { Session } from '../sessions/session.entity.js';
import { toSessionSummary } from '../sessions/session-view.js';
import { SessionsService } from '../sessions/sessions.service.js';

/** What a ward screen shows: open sessions with their newest vitals (kept in memory as they arrive). */
@Injectable()
export class WardService implements OnModuleInit {
  private readonly latest = new Map<string, VitalsEvent>();

  constructor(
    private readonly sessions: SessionsService,
    private readonly readings: ReadingsService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('readings.stored', ({ vitals }) => {
      for (const event of vitals) {
        const known = this.latest.get(event.sessionId);
        if (!known || known.recordedAt <= event.recordedAt) this.latest.set(event.sessionId, event);
      }
    });
    this.events.on('session.changed', ({ session }) => {
      if (session.phase === 'discharged' || session.phase === 'aborted') this.latest.delete(session.id);
    });
  }

  async snapshot(siteIds: string[]): Promise<SessionSummary[]> {
    const open = await this.sessions.openSessionsOfSites(siteIds);
    const missing = open.filter((s) => !this.latest.has(s.id)).map((s) => s.id);
    for (const [sessionId, vitals] of await this.readings.latest(missing)) {
      if (!this.latest.has(sessionId)) this.latest.set(sessionId, vitals);
    }
    return open.map((session) => toSessionSummary(session, this.latest.get(session.id) ?? null, []));
  }

  async summaryOf(session: Session): Promise<SessionSummary> {
    if (!this.latest.has(session.id)) {
      const found = (await this.readings.latest([session.id])).get(session.id);
      if (found) this.latest.set(session.id, found);
    }
    return toSessionSummary(session, this.latest.get(session.id) ?? null, []);
  }
}
