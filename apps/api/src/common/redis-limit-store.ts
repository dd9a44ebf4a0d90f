import { createClient } from 'redis';
import { type Count, type LimitStore, MemoryLimitStore } from './limit-store.js';
import { logger } from './logger.js';

// Each script runs atomically in Redis: no other instance's command comes between its steps. Time
// is Redis' own (TIME), so the instances' clocks need not agree.
const ADD = `
local by = tonumber(ARGV[1])
if by <= 0 and redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
local count = redis.call('INCRBY', KEYS[1], by)
if count <= 0 then redis.call('DEL', KEYS[1]) return {0, 0} end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then left = tonumber(ARGV[2]) redis.call('PEXPIRE', KEYS[1], left) end
return {count, left}`;

const READ = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count <= 0 then return {0, 0} end
return {count, math.max(0, redis.call('PTTL', KEYS[1]))}`;

const TAKE = `
local want, capacity, perSecond = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, at = capacity, now end
tokens = math.min(capacity, tokens + math.max(0, now - at) * perSecond / 1000)
local granted = math.max(0, math.min(want, math.floor(tokens)))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perSecond * 1000) + 1000)
return granted`;

/** How long a command may take before the limit is counted locally instead. */
const COMMAND_TIMEOUT_MS = 250;
/** After a failure, how long Redis is left alone before it is tried again. */
const RETRY_AFTER_MS = 2_000;

/**
 * The limits in Redis, shared by every instance. Redis is never allowed to stop the service: while
 * it does not answer (not connected, or a command takes longer than 250 ms), each operation is
 * counted in this process's memory instead, Redis is tried again every 2 s, and the change is logged
 * once each way. Meanwhile each instance counts for itself, as a single one would.
 */
export class RedisLimitStore implements LimitStore {
  private readonly client;
  private readonly local = new MemoryLimitStore();
  private downSinceMs: number | null = null;
  private retryAtMs = 0;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.client = createClient({
      url,
      // Commands fail at once while disconnected instead of queueing behind a reconnection.
      disableOfflineQueue: true,
      commandOptions: { timeout: COMMAND_TIMEOUT_MS },
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
    });
    // Without a listener an unreachable Redis would crash the process; the state change is logged by `run`.
    this.client.on('error', () => undefined);
    this.client.connect().catch(() => undefined);
  }

  /** Whether the last operations were counted in Redis (false while they fall back to memory). */
  get shared(): boolean {
    return this.downSinceMs === null && this.client.isReady;
  }

  add(key: string, by: number, windowMs: number): Promise<Count> {
    return this.run(
      async () =>
        this.count(await this.client.eval(ADD, { keys: [this.key(key)], arguments: [`${by}`, `${windowMs}`] })),
      () => this.local.add(key, by, windowMs),
    );
  }

  read(key: string): Promise<Count> {
    return this.run(
      async () => this.count(await this.client.eval(READ, { keys: [this.key(key)] })),
      () => this.local.read(key),
    );
  }

  extend(key: string, windowMs: number): Promise<void> {
    return this.run(
      async () => void (await this.client.pExpire(this.key(key), windowMs)),
      () => this.local.extend(key, windowMs),
    );
  }

  clear(key: string): Promise<void> {
    return this.run(
      async () => void (await this.client.del(this.key(key))),
      () => this.local.clear(key),
    );
  }

  take(key: string, want: number, capacity: number, perSecond: number): Promise<number> {
    return this.run(
      async () =>
        Number(
          await this.client.eval(TAKE, {
            keys: [this.key(key)],
            arguments: [`${want}`, `${capacity}`, `${perSecond}`],
          }),
        ),
      () => this.local.take(key, want, capacity, perSecond),
    );
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    const nowMs = Date.now();
    if (!this.client.isReady || (this.downSinceMs !== null && nowMs < this.retryAtMs)) {
      this.failed(nowMs, null);
      return local();
    }
    try {
      const result = await shared();
      if (this.downSinceMs !== null) {
        logger.info({ downForMs: Date.now() - this.downSinceMs }, 'Redis answers again: limits are shared again');
        this.downSinceMs = null;
      }
      return result;
    } catch (error) {
      this.failed(nowMs, error);
      return local();
    }
  }

  private failed(nowMs: number, error: unknown): void {
    if (this.downSinceMs === null) {
      this.downSinceMs = nowMs;
      logger.warn(
        { err: error instanceof Error ? { message: error.message } : undefined },
        'Redis does not answer: limits are counted by each instance until it does',
      );
    }
    if (nowMs >= this.retryAtMs) this.retryAtMs = nowMs + RETRY_AFTER_MS;
  }

  private key(key: string): string {
    return `${this.prefix}:limit:${key}`;
  }

  private count(reply: unknown): Count {
    const [count, resetInMs] = reply as [number, number];
    return { count: Number(count), resetInMs: Number(resetInMs) };
  }
}
