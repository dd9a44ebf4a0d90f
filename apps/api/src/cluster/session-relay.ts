import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events.js';
import { ClusterSignals } from './cluster-signals.js';

/**
 * Tells the other instances of every session change made here (after its commit), so that their
 * device bindings and the session's engine, wherever it runs, follow at once.
 */
@Injectable()
export class SessionRelay implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly signals: ClusterSignals,
  ) {}

  onModuleInit(): void {
    if (!this.signals.enabled) return;
    this.events.on('session.changed', ({ session, previousDeviceId }) =>
      this.signals.publish({
        type: 'session',
        sessionId: session.id,
        siteId: session.siteId,
        deviceId: session.deviceId,
        previousDeviceId,
        phase: session.phase,
        openedAtMs: session.createdAt.getTime(),
      }),
    );
  }
}
