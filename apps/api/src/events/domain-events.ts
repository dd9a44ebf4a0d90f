import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { Alert } from '#contracts';
import type { ValidReading } from '#vitals';
import type { SessionState } from './session-state.js';
import type { UserChange } from './user-changes.js';

export interface StoredReading {
  sessionId: string;
  reading: ValidReading;
}

/** What happened, for whoever needs to know (the ward, the device sockets). In-process. */
export interface DomainEventMap {
  'device.revoked': { deviceId: string };
  'session.changed': { session: SessionState; previousDeviceId: string | null };
  /** Readings just committed, for one site. Listeners build what they need from them. */
  'readings.stored': { siteId: string; readings: StoredReading[] };
  /** An alert was raised or changed (stored first). */
  'alert.changed': { siteId: string; alert: Alert };
  /** A user's access changed (committed first); see events/user-changes.ts. */
  'user.changed': UserChange;
  /** A signed-in user was refused: 403 by role, or 404 for something of another site. */
  'access.denied': AccessDenied;
}

export interface AccessDenied {
  user: { id: string; username: string; role: string };
  ip: string | null;
  correlationId: string | null;
  /** What was asked for: an entity type (`session`, `alert`) or the API's area (`audit`, `users`). */
  targetKind: string;
  targetId: string | null;
  status: number;
  method: string;
  /** The route's pattern (`/api/v1/sessions/:id`), never the raw URL with its query. */
  route: string | null;
}

@Injectable()
export class DomainEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(50);
  }

  emit<K extends keyof DomainEventMap>(event: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(event, payload);
  }

  on<K extends keyof DomainEventMap>(event: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}
