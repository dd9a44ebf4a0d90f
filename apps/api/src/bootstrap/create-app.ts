import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type INestApplication, NotFoundException, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module.js';
import { sendError } from '../common/error-body.js';
import { logger, PinoNestLogger } from '../common/logger.js';
import { requestLog } from '../common/request-log.middleware.js';
import { noStoreForApi, securityHeaders } from '../common/security-headers.js';
import { refuseInvalidUtf8, requireJsonBody, SafeInputPipe } from '../common/safe-input.js';
import { RedisConnection } from '../cluster/redis-connection.js';
import type { AppConfig } from '../config/config.js';
import { registerInstanceMetrics } from './instance-metrics.js';
import { BoundedExpressAdapter } from './http-server.js';
import { WsAdapter } from './ws-adapter.js';

export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  jwtSecret: string,
): Promise<{ app: INestApplication; sockets: WsAdapter; redis: RedisConnection | null }> {
  const redis = config.redisUrl ? RedisConnection.open(config.redisUrl, config.redisPrefix) : null;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, databaseUrl, jwtSecret, redis),
    new BoundedExpressAdapter(),
    {
      logger: new PinoNestLogger(),
      // JSON only (no url-encoded forms), and only UTF-8: see common/safe-input.ts.
      bodyParser: false,
      rawBody: true,
    },
  );
  // TRUST_PROXY: whose X-Forwarded-For gives `request.ip` (the login limits, the audit's source address).
  app.set('trust proxy', config.trustProxy.trusted);
  app.disable('x-powered-by');
  app.use(requestLog);
  app.use(securityHeaders);
  app.use(noStoreForApi);
  app.use(requireJsonBody);
  app.useBodyParser('json');
  app.use(refuseInvalidUtf8);
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'health/ready', 'metrics'] });
  app.useGlobalPipes(
    new SafeInputPipe(),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const sockets = new WsAdapter(app, redis);
  app.useWebSocketAdapter(sockets);
  if (config.corsOrigin) app.enableCors({ origin: config.corsOrigin.split(',') });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Infusion Monitor')
      .setDescription(
        'REST API of the Infusion Monitor. The socket.io protocols (/devices, /ward) are described in docs/api.md.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  serveDashboard(app);
  // Nest's own not-found answer covers /api/v1 only; it is registered by init, so this goes after it.
  await app.init();
  answerUnknownServicePaths(app);
  registerInstanceMetrics(app, sockets);
  return { app, sockets, redis };
}

/** The nurses' dashboard as built by `npm run build:dashboard`: dist/dashboard, beside dist/apps. */
const DASHBOARD_DIR = fileURLToPath(new URL('../../../../dashboard/', import.meta.url));
/** Paths that belong to the service, never to the dashboard (express sees them before Nest's routes). */
const SERVICE_PATH = /^\/(api|health|metrics|socket\.io)(\/|$)/;

/**
 * Serves the dashboard at `/`. Its pages are addressed by path (`/sessions/:id`), so any other GET
 * that is not a file answers with index.html and the page routes itself. A service built without
 * the dashboard still runs; it only says so in the log.
 */
function serveDashboard(app: NestExpressApplication): void {
  const index = path.join(DASHBOARD_DIR, 'index.html');
  if (!existsSync(index)) {
    logger.warn({ dir: DASHBOARD_DIR }, 'dashboard not built (npm run build:dashboard); serving the API only');
    return;
  }
  // Only /assets is looked up on disk, so API calls cost no file-system look-up. Asset names carry a
  // content hash, so browsers may keep them; index.html is always revalidated to pick up a new build.
  app.useStaticAssets(path.join(DASHBOARD_DIR, 'assets'), {
    prefix: '/assets/',
    index: false,
    immutable: true,
    maxAge: '365d',
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    const isPage = request.method === 'GET' || request.method === 'HEAD';
    if (!isPage || SERVICE_PATH.test(request.path) || path.extname(request.path) !== '') return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}

/**
 * A service path that no route answered (`/api/v2/…`, `/api`, a method a route does not take) gets
 * the contract's JSON error body, as `/api/v1/…` does, not Express's HTML page. Added after every
 * route and after Nest's own not-found handler, so it sees only what nothing else took.
 */
function answerUnknownServicePaths(app: NestExpressApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .use((request: Request, response: Response, next: NextFunction) => {
      if (!SERVICE_PATH.test(request.path)) return next();
      sendError(response, new NotFoundException(`Cannot ${request.method} ${request.path}`));
    });
}
