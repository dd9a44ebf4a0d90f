import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../identity/decorators.js';
import { Metrics } from '../common/metrics.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/**
 * `GET /metrics` for Prometheus. No user token: a scraper has none. Instead only the addresses in
 * METRICS_ALLOW are answered; to anyone else the path does not exist (the same 404 as any unknown
 * path). The address is the client's as `trust proxy` resolves it, so a request relayed by a trusted
 * local proxy counts as its original sender, not as loopback.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (!this.config.metricsAllow.allows(request.ip)) throw new NotFoundException('Cannot GET /metrics');
    const text = await this.metrics.registry.metrics();
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.send(text);
  }
}
