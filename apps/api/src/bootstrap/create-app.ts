import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../app.module.js';
import { PinoNestLogger } from '../common/logger.js';
import { requestLog } from '../common/request-log.middleware.js';
import type { AppConfig } from '../config/config.js';
import { WsAdapter } from './ws-adapter.js';

export async function createApp(config: AppConfig, databaseUrl: string, jwtSecret: string): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, databaseUrl, jwtSecret), {
    logger: new PinoNestLogger(),
    bodyParser: true,
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(requestLog);
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'health/ready'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useWebSocketAdapter(new WsAdapter(app));
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
  return app;
}
