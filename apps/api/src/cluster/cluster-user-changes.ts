import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events.js';
import { ANY_USER, LocalUserChanges } from '../events/user-changes.js';
import type { UserChange } from '../events/user-changes.js';
import { ClusterSignals } from './cluster-signals.js';

/**
 * Changes of users' access heard on every instance: published here and announced to the others,
 * whose caches of users and signed-out tokens and whose ward sockets then follow at once. A change
 * announced while Redis was away is lost, so when the signals flow again every instance hears one
 * change of `ANY_USER`: it drops its caches and re-checks every open ward socket.
 */
@Injectable()
export class ClusterUserChanges extends LocalUserChanges implements OnModuleInit {
  constructor(
    events: DomainEvents,
    private readonly signals: ClusterSignals,
  ) {
    super(events);
  }

  onModuleInit(): void {
    this.signals.on('user', ({ change }) => super.publish(change));
    this.signals.onRestored(() => super.publish({ userId: ANY_USER, reasons: ['updated'] }));
  }

  override publish(change: UserChange): void {
    super.publish(change);
    this.signals.publish({ type: 'user', change });
  }
}
