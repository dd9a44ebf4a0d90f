import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { SessionSummary, VitalsEvent } from '#contracts';
import { AlertsService } from '../alerts/alerts.service.js';
import { ClusterSignals } from '../cluster/cluster-signals.js';
import { DomainEvents, type StoredReading } from '../events/domain-events.js';
import type { SessionState } from '../events/session-state.js';
import { vitalsEvent } from '../readings/vitals-event.js';
import { ReadingsService } from '../readings/readings.service.js';
import { toSessionSummary } from '../sessions/session-view.js';
import { SessionsService } from '../sessions/sessions.service.js';

const timeOf = (entry: StoredReading | VitalsEvent): number =>
  'reading' in entry ? entry.reading.recordedAtMs : Date.parse(entry.recordedAt);

/**
 * What a ward screen shows: open sessions with their newest vitals (kept in memory as they arrive).
 * With several instances, readings are stored by whichever instance the device is connected to, so
 * the snapshot reads the newest vitals from the database instead.
 */
@Injectable()
export class WardService implements OnModuleInit {
  /** The newest reading of each open session, as stored (the event object is built when asked for). */
  private readonly latest = new Map<string, StoredReading | VitalsEvent>();

  constructor(
    private readonly sessions: SessionsService,
    private readonly readings: ReadingsService,
    private readonly events: DomainEvents,
    private readonly alerts: AlertsService,
    private readonly signals: ClusterSignals,
  ) {}

  onModuleInit(): void {
    this.events.on('readings.stored', ({ readings }) => {
      for (const stored of readings) {
        const known = this.latest.get(stored.sessionId);
        if (!known || timeOf(known) <= stored.reading.recordedAtMs) this.latest.set(stored.sessionId, stored);
      }
    });
    this.events.on('session.changed', ({ session }) => {
      if (session.phase === 'discharged' || session.phase === 'aborted') this.latest.delete(session.id);
    });
  }

  async snapshot(siteIds: string[]): Promise<SessionSummary[]> {
    const open = await this.sessions.openSessionsOfSites(siteIds);
    const missing = open.filter((s) => this.signals.enabled || !this.latest.has(s.id)).map((s) => s.id);
    for (const [sessionId, vitals] of await this.readings.latest(missing)) {
      if (this.signals.enabled || !this.latest.has(sessionId)) this.latest.set(sessionId, vitals);
    }
    const alerts = await this.alerts.openAlertsOf(open.map((s) => s.id));
    return open.map((session) => toSessionSummary(session, this.latestOf(session.id), alerts.get(session.id) ?? []));
  }

  async summaryOf(session: SessionState): Promise<SessionSummary> {
    if (this.signals.enabled || !this.latest.has(session.id)) {
      const found = (await this.readings.latest([session.id])).get(session.id);
      if (found) this.latest.set(session.id, found);
    }
    const alerts = await this.alerts.openAlertsOf([session.id]);
    return toSessionSummary(session, this.latestOf(session.id), alerts.get(session.id) ?? []);
  }

  private latestOf(sessionId: string): VitalsEvent | null {
    const known = this.latest.get(sessionId);
    if (!known) return null;
    return 'reading' in known ? vitalsEvent(known) : known;
  }
}
