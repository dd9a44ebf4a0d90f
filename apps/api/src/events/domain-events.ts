import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { Alert } from '#contracts';
import type { ValidReading } from '#vitals';
import type { Session } from '../sessions/session.entity.js';

export interface StoredReading {
  sessionId: string;
  reading: ValidReading;
}

/** What happened, for whoever needs to know (the ward, the device sockets). In-process. */
export interface DomainEventMap {
  'device.revoked': { deviceId: string };
  'session.changed': { session: Session; previousDeviceId: string | null };
  /** Readings just committed, for one site. Listeners build what they need from them. */
  'readings.stored': { siteId: string; readings: StoredReading[] };
  /** An alert was raised or changed (stored first). */
  'alert.changed': { siteId: string; alert: Alert };
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
