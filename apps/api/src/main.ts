import 'reflect-metadata';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from './bootstrap/create-app.js';
import type { WsAdapter } from './bootstrap/ws-adapter.js';
import type { RedisConnection } from './cluster/redis-connection.js';
import { logger } from './common/logger.js';
import { passwordProblem } from './users/common-passwords.js';
import { ConfigError, loadConfig } from './config/config.js';
import { EmbeddedDatabase, loadOrCreateSecrets } from './database/embedded.js';
import { provisionEmbeddedDatabase } from './database/embedded-provision.js';
import { APP_ROLE, warnAboutPrivilegedRole } from './database/roles.js';
import { MllpListener } from './hl7/mllp-listener.js';
import { IngestService } from './ingest/ingest.service.js';
import { ReadingWriter } from './ingest/reading-writer.js';

async function main(): Promise<void> {
  const config = loadConfig();
  // Checked here rather than in loadConfig, which stays free of the 3 MB list of common passwords.
  const weakAdminPassword = config.adminPassword && passwordProblem(config.adminPassword, config.adminUsername);
  if (weakAdminPassword) throw new ConfigError([`ADMIN_PASSWORD is refused: ${weakAdminPassword}`]);
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = new EmbeddedDatabase(config.dataDir, (message) => logger.info(message));
    const superuserUrl = await embedded.start();
    const { appDatabasePassword } = await loadOrCreateSecrets(config.dataDir);
    databaseUrl = await provisionEmbeddedDatabase(superuserUrl, appDatabasePassword).catch(async (error: unknown) => {
      await embedded?.stop().catch(() => undefined);
      throw error;
    });
    logger.info(
      {
        dataDir: config.dataDir,
        clusterDir: embedded.clusterDirectory,
        databasePort: Number(new URL(superuserUrl).port),
        role: APP_ROLE,
      },
      'embedded PostgreSQL started',
    );
  }
  const jwtSecret = config.jwtSecret ?? (await loadOrCreateSecrets(config.dataDir)).jwtSecret;

  let app: INestApplication | null = null;
  let sockets: WsAdapter | null = null;
  let redis: RedisConnection | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    try {
      if (app) {
        app.get(IngestService).stopAccepting();
        await app.get(ReadingWriter).drain();
        await app.get(MllpListener).stop();
        // The acknowledgements of the last batch go out on the next turns of the event loop.
        await new Promise((resolve) => setTimeout(resolve, 100));
        // Acknowledgements are out; now let go of the clients: sockets first, then idle keep-alive
        // connections, and after a grace period any request still open.
        sockets?.disconnectAll();
        const http = app.getHttpServer() as Server;
        http.closeIdleConnections();
        setTimeout(() => http.closeAllConnections(), 2_000).unref();
        await app.close();
      }
      await redis?.close();
    } catch (error) {
      logger.error({ err: error }, 'error while closing the service');
    }
    await embedded
      ?.stop()
      .catch((error: unknown) => logger.error({ err: error }, 'error while stopping the embedded database'));
    clearTimeout(timer);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    ({ app, sockets, redis } = await createApp(config, databaseUrl, jwtSecret));
    await app.listen(config.port, config.host);
    const mllpPort = await app.get(MllpListener).start();
    if (mllpPort !== null && process.env.PRINT_LISTENING_PORT === '1') process.stdout.write(`MLLP ${mllpPort}\n`);
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
  await warnAboutPrivilegedRole(app.get(DataSource)).catch((error: unknown) =>
    logger.warn({ err: error }, 'could not check the database role'),
  );
  const address = app.getHttpServer().address() as { port: number } | null;
  logger.info({ port: address?.port, host: config.host }, 'Infusion Monitor is listening');
  // A line for scripts and tests that start the service on port 0.
  if (process.env.PRINT_LISTENING_PORT === '1') process.stdout.write(`LISTENING ${address?.port}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'the service could not start');
    if (error instanceof Error && error.name === 'EmbeddedDatabaseError') process.stderr.write(`\n${error.message}\n`);
  }
  process.exit(1);
});
