import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createClient } from 'redis';
import { logger } from '../common/logger.js';

export type RedisClient = ReturnType<typeof createClient>;

/** Reconnects quickly at first, then every 2 s, for as long as it takes. */
const reconnectStrategy = (retries: number) => Math.min(100 * (retries + 1), 2_000);

/**
 * The service's one Redis client (`redis`, node-redis), for everything the instances share there:
 * the socket.io adapter's stream, the cluster signals, shared limits. Only with REDIS_URL; without
 * it nothing in the service talks to Redis.
 *
 * `client` runs commands and fails them at once while Redis is unreachable (no offline queue): Redis
 * carries signals and fan-out, never the durability of a reading, so callers fall back rather than
 * wait. Subscriptions and blocking reads take their own connection (`duplicate()`), whose commands
 * wait for the reconnection instead. Every key, stream and channel name starts with `key()`, so
 * deployments (and tests) sharing a Redis stay apart.
 */
export class RedisConnection {
  /** This process, as it appears in leases and signals: host, pid and a random part. */
  readonly instanceId = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly client: RedisClient;
  private up = false;
  private readonly listeners = new Set<(up: boolean) => void>();

  private constructor(
    readonly url: string,
    readonly prefix: string,
  ) {
    this.client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy } });
    this.client.on('error', (error: Error) => {
      if (this.up) logger.warn({ err: error }, 'Redis connection lost; fan-out paused, readings still stored');
      this.setUp(false);
    });
    this.client.on('ready', () => {
      logger.info('Redis connected');
      this.setUp(true);
    });
    this.client.on('end', () => this.setUp(false));
  }

  /** Starts connecting; the service starts whether or not Redis answers yet. */
  static open(url: string, prefix: string): RedisConnection {
    const connection = new RedisConnection(url, prefix);
    void connection.client.connect().catch((error: unknown) => logger.warn({ err: error }, 'Redis not reachable yet'));
    return connection;
  }

  /** A name in this deployment's part of Redis: `key('signal')` → `im:signal`. */
  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Called with `true` when Redis is (again) reachable, `false` when it is lost. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A connection of its own (subscriptions, blocking reads); its commands wait while Redis is away. */
  duplicate(): RedisClient {
    const client = this.client.duplicate({ disableOfflineQueue: false });
    client.on('error', () => undefined); // the main client logs the outage once
    return client;
  }

  async ping(timeoutMs = 1_000): Promise<boolean> {
    if (!this.client.isReady) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.client.ping().then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.client.isOpen) await this.client.close().catch(() => undefined);
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    for (const listener of this.listeners) listener(up);
  }
}
