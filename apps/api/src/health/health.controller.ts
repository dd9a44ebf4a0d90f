import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../identity/decorators.js';
import { RedisConnection } from '../cluster/redis-connection.js';

@ApiTags('service')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(RedisConnection) private readonly redis: RedisConnection | null,
  ) {}

  /** The process is up. */
  @Get()
  @HttpCode(200)
  live() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /**
   * The database answers and every migration is applied; 503 otherwise. With REDIS_URL, also whether
   * Redis answers: without it the instance still stores and acknowledges every reading (only the
   * fan-out to other instances waits), so it stays ready — `degraded` — rather than be taken out of
   * the load balancer with every other instance at once.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const redis = this.redis ? { redis: (await this.redis.ping()) ? 'up' : 'down' } : {};
    try {
      await this.dataSource.query('SELECT 1');
      const pending = await this.dataSource.showMigrations();
      if (pending) {
        response.status(HttpStatus.SERVICE_UNAVAILABLE);
        return { status: 'unavailable', database: 'up', migrations: 'pending', ...redis };
      }
      return { status: redis.redis === 'down' ? 'degraded' : 'ok', database: 'up', migrations: 'applied', ...redis };
    } catch {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', database: 'down', ...redis };
    }
  }
}
