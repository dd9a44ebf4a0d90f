import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OPEN_PHASES, type Phase } from '#contracts';
import { ClusterSignals } from '../cluster/cluster-signals.js';
import { DomainEvents } from '../events/domain-events.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';

export interface Binding {
  sessionId: string;
  siteId: string;
  phase: Phase;
  /** When the session began (was created): readings from well before it are not of this patient. */
  openedAtMs: number;
}

/**
 * Which open session each device is bound to, kept in memory for the hot path: a cache of the
 * `sessions` table, filled on first use of a device and kept current from session changes, made
 * here or (with several instances) announced by the others. While Redis is away an announcement
 * may be missed, so the cache is not trusted: every lookup asks the database, and the cache starts
 * afresh when the signals flow again.
 */
@Injectable()
export class SessionBindings implements OnModuleInit {
  private readonly byDevice = new Map<string, Binding | null>();

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly events: DomainEvents,
    private readonly signals: ClusterSignals,
  ) {}

  onModuleInit(): void {
    this.events.on('session.changed', ({ session, previousDeviceId }) =>
      this.change(
        session.id,
        session.siteId,
        session.deviceId,
        previousDeviceId,
        session.phase,
        session.createdAt.getTime(),
      ),
    );
    if (!this.signals.enabled) return;
    this.signals.on('session', (s) =>
      this.change(s.sessionId, s.siteId, s.deviceId, s.previousDeviceId, s.phase, s.openedAtMs),
    );
    this.signals.onRestored(() => this.byDevice.clear());
  }

  private change(
    sessionId: string,
    siteId: string,
    deviceId: string,
    previousDeviceId: string | null,
    phase: Phase,
    openedAtMs: number,
  ) {
    if (previousDeviceId && previousDeviceId !== deviceId) this.byDevice.set(previousDeviceId, null);
    this.byDevice.set(deviceId, OPEN_PHASES.includes(phase) ? { sessionId, siteId, phase, openedAtMs } : null);
  }

  /** What is already known without asking the database: the binding, `null` (none), or `undefined` (not known yet). */
  known(deviceId: string): Binding | null | undefined {
    if (this.signals.enabled && !this.signals.flowing) return undefined;
    return this.byDevice.get(deviceId);
  }

  /** The open session bound to the device, or `null`. Throws when the database is needed and down. */
  async of(deviceId: string): Promise<Binding | null> {
    const known = this.known(deviceId);
    if (known !== undefined) return known;
    const row = await this.sessions.boundTo(deviceId);
    const binding = row
      ? { sessionId: row.id, siteId: row.site_id, phase: row.phase, openedAtMs: row.created_at.getTime() }
      : null;
    if (this.signals.enabled && !this.signals.flowing) return binding;
    // A session change may have landed while the query ran; it wins.
    if (!this.byDevice.has(deviceId)) this.byDevice.set(deviceId, binding);
    return this.byDevice.get(deviceId) ?? null;
  }
}
