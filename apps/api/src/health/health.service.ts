import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RedisConnection } from '../cluster/redis-connection.js';

export interface Readiness {
  /** false: answer 503. */
  ready: boolean;
  body: {
    status: 'ok' | 'degraded' | 'unavailable';
    database: 'up' | 'down';
    migrations?: 'applied' | 'pending';
    redis?: 'up' | 'down';
  };
}

/** Whether this instance can serve: its database, its migrations and (with REDIS_URL) Redis. */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(RedisConnection) private readonly redis: RedisConnection | null,
  ) {}

  /**
   * The database answers and every migration is applied; not ready otherwise. With REDIS_URL, also
   * whether Redis answers: without it the instance still stores and acknowledges every reading (only
   * the fan-out to other instances waits), so it stays ready — `degraded` — rather than be taken out
   * of the load balancer with every other instance at once.
   */
  async readiness(): Promise<Readiness> {
    const redis = this.redis ? { redis: (await this.redis.ping()) ? ('up' as const) : ('down' as const) } : {};
    try {
      await this.dataSource.query('SELECT 1');
      const pending = await this.dataSource.showMigrations();
      if (pending) {
        return { ready: false, body: { status: 'unavailable', database: 'up', migrations: 'pending', ...redis } };
      }
      return {
        ready: true,
        body: { status: redis.redis === 'down' ? 'degraded' : 'ok', database: 'up', migrations: 'applied', ...redis },
      };
    } catch {
      return { ready: false, body: { status: 'unavailable', database: 'down', ...redis } };
    }
  }
}
