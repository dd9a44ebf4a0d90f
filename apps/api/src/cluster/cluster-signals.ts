import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Phase } from '#contracts';
import { logger } from '../common/logger.js';
import type { UserChange } from '../events/user-changes.js';
import { DomainError, type DomainErrorCode } from '../common/domain-error.js';
import { RedisConnection, type RedisClient } from './redis-connection.js';

/** Signals every instance hears. They wake up and invalidate; the facts themselves are in PostgreSQL. */
export type ClusterSignal =
  /** A session was opened, bound to another device, moved on or closed. */
  | {
      type: 'session';
      sessionId: string;
      siteId: string;
      deviceId: string;
      previousDeviceId: string | null;
      phase: Phase;
      /** When the session began (see `Binding.openedAtMs`). */
      openedAtMs: number;
    }
  /** Readings of these sessions were committed: their engines' owners read them. */
  | { type: 'readings'; sessionIds: string[] }
  /** A user's access changed (events/user-changes.ts). */
  | { type: 'user'; change: UserChange };

/** Requests to one instance (the owner of a session's engine), answered on the asker's channel. */
export interface ClusterRequest {
  kind: string;
  body: unknown;
}

type Envelope =
  | { from: string; signal: ClusterSignal }
  | { from: string; request: ClusterRequest; id: string }
  | {
      from: string;
      reply: { ok: true; body: unknown } | { ok: false; code: DomainErrorCode; message: string };
      id: string;
    };

/**
 * Pub/sub between the instances over Redis: one broadcast channel and one channel per instance for
 * requests and their answers. Without REDIS_URL it does nothing (`enabled` is false). A signal lost
 * while Redis is away is made up for when it returns: listeners of `onRestored` re-read what they keep.
 */
@Injectable()
export class ClusterSignals implements OnModuleInit, OnApplicationShutdown {
  private subscriber: RedisClient | null = null;
  private readonly handlers = new Map<ClusterSignal['type'], ((signal: ClusterSignal) => void)[]>();
  private readonly answerers = new Map<string, (body: unknown) => Promise<unknown>>();
  private readonly waiting = new Map<string, { resolve: (body: unknown) => void; reject: (error: Error) => void }>();
  private readonly restored: (() => void)[] = [];
  /** Redis was away since the subscriptions were last in place: signals may have been missed. */
  private missed = false;

  constructor(@Inject(RedisConnection) private readonly redis: RedisConnection | null) {}

  get enabled(): boolean {
    return this.redis !== null;
  }

  get instanceId(): string {
    return this.redis?.instanceId ?? 'single';
  }

  /** Whether signals flow now (with Redis down, caches must not trust that they would hear a change). */
  get flowing(): boolean {
    return this.redis !== null && this.redis.isUp && !this.missed;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    const redis = this.redis;
    this.missed = true;
    redis.onChange((up) => {
      if (!up) this.missed = true;
    });
    const subscriber = redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', () => (this.missed = true));
    subscriber.on('ready', () => {
      // The subscriptions are renewed by the client on reconnection; whatever was sent meanwhile is gone.
      if (!this.missed) return;
      this.missed = false;
      for (const listener of this.restored) listener();
    });
    const listener = (raw: string) => this.receive(raw);
    await Promise.race([
      subscriber
        .connect()
        .then(() => subscriber.subscribe([redis.key('signal'), redis.key('instance', redis.instanceId)], listener)),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]).catch((error: unknown) => logger.warn({ err: error }, 'cluster signals not subscribed yet'));
    if (subscriber.isReady) this.missed = false;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { reject } of this.waiting.values())
      reject(new DomainError('unavailable', 'The service is shutting down'));
    if (this.subscriber?.isOpen) await this.subscriber.close().catch(() => undefined);
  }

  on<T extends ClusterSignal['type']>(type: T, handler: (signal: Extract<ClusterSignal, { type: T }>) => void): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as (signal: ClusterSignal) => void);
    this.handlers.set(type, list);
  }

  /** After Redis was away: signals may have been lost; re-read what depends on them. */
  onRestored(listener: () => void): void {
    this.restored.push(listener);
  }

  /** To every other instance. Lost if Redis is away (see onRestored). */
  publish(signal: ClusterSignal): void {
    this.send(this.redis?.key('signal'), { from: this.instanceId, signal });
  }

  /** Answers requests of this kind sent to this instance. A DomainError travels back as its code. */
  answer(kind: string, handler: (body: unknown) => Promise<unknown>): void {
    this.answerers.set(kind, handler);
  }

  /** Asks one instance; rejects with `unavailable` if no answer comes in `timeoutMs`. */
  request<T>(instanceId: string, request: ClusterRequest, timeoutMs = 5_000): Promise<T> {
    if (!this.redis?.isUp)
      return Promise.reject(new DomainError('unavailable', 'Another instance cannot be reached now'));
    const id = randomUUID();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new DomainError('unavailable', 'The instance running this session did not answer'));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.send(this.redis!.key('instance', instanceId), { from: this.instanceId, request, id });
    });
  }

  private send(channel: string | undefined, envelope: Envelope): void {
    if (!channel || !this.redis?.isUp) return;
    this.redis.client.publish(channel, JSON.stringify(envelope)).catch(() => undefined);
  }

  private receive(raw: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if ('signal' in envelope) {
      if (envelope.from === this.instanceId) return;
      for (const handler of this.handlers.get(envelope.signal.type) ?? []) handler(envelope.signal);
    } else if ('request' in envelope) {
      void this.serve(envelope.from, envelope.id, envelope.request);
    } else if ('reply' in envelope) {
      const waiting = this.waiting.get(envelope.id);
      if (!waiting) return;
      this.waiting.delete(envelope.id);
      const { reply } = envelope;
      if (reply.ok) waiting.resolve(reply.body);
      else waiting.reject(new DomainError(reply.code, reply.message));
    }
  }

  private async serve(from: string, id: string, request: ClusterRequest): Promise<void> {
    const handler = this.answerers.get(request.kind);
    let reply: Extract<Envelope, { reply: unknown }>['reply'];
    try {
      if (!handler) throw new DomainError('unavailable', `unknown request ${request.kind}`);
      reply = { ok: true, body: await handler(request.body) };
    } catch (error) {
      if (!(error instanceof DomainError)) logger.warn({ err: error, kind: request.kind }, 'cluster request failed');
      reply =
        error instanceof DomainError
          ? { ok: false, code: error.code, message: error.message }
          : { ok: false, code: 'unavailable', message: 'The request could not be carried out; try again' };
    }
    this.send(this.redis?.key('instance', from), { from: this.instanceId, reply, id });
  }
}
