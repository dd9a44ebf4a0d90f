import pg from 'pg';
import { DataSource } from 'typeorm';
import { logger } from '../common/logger.js';
import { dataSourceOptions } from './data-source-options.js';
import { APP_ROLE, ensureRoles, sealAuditTrail } from './roles.js';

/**
 * Readies the embedded database for the service, given the cluster superuser's URL to it: the roles
 * and the database owned by the app role, the migrations (run by the superuser, so that they may
 * create the audit trail's triggers), then the audit trail handed to its own role. Returns the URL
 * the service connects with: the app role's, never the superuser's. Run at every start, so a data
 * directory made before the roles existed is moved over on its first start with this version.
 */
export async function provisionEmbeddedDatabase(superuserUrl: string, appPassword: string): Promise<string> {
  const url = new URL(superuserUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  const cluster = new pg.Client({ connectionString: superuserUrl });
  await cluster.connect();
  try {
    await ensureRoles(cluster, database, appPassword);
  } finally {
    await cluster.end();
  }
  const dataSource = new DataSource(dataSourceOptions(superuserUrl, 1));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    await sealAuditTrail(dataSource);
  } finally {
    await dataSource.destroy();
  }
  url.username = APP_ROLE;
  url.password = encodeURIComponent(appPassword);
  return url.toString();
}
