import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../identity/decorators.js';
import { HealthService } from './health.service.js';

@ApiTags('service')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up. */
  @Get()
  @HttpCode(200)
  live() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /** The database answers and every migration is applied; 503 otherwise (see `HealthService.readiness`). */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const { ready, body } = await this.health.readiness();
    if (!ready) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }
}
