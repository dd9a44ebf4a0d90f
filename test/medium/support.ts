/**
 * Support of the medium tier (test/medium/run.mjs): each test file gets its own database, cloned
 * from the run's migrated template, and builds the services it tests directly on a TypeORM
 * DataSource, as Nest would inject them.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { Phase } from '#contracts';
import type { AuditContext } from '../../apps/api/src/audit/audit-context.js';
import { ClusterSignals } from '../../apps/api/src/cluster/cluster-signals.js';
import type { RedisConnection } from '../../apps/api/src/cluster/redis-connection.js';
import { type AppConfig, loadConfig } from '../../apps/api/src/config/config.js';
import { dataSourceOptions } from '../../apps/api/src/database/data-source-options.js';
import { createDataSource } from '../../apps/api/src/database/connection-loss.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the medium tests with \`node test/medium/run.mjs\``);
  return value;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: env('DATABASE_URL') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface MediumDatabase {
  dataSource: DataSource;
  /** Drops the database (call in `after`). */
  close(): Promise<void>;
}

/** A migrated database of this test file's own: `CREATE DATABASE … TEMPLATE` the run's template. */
export async function cloneDatabase(poolSize = 4): Promise<MediumDatabase> {
  const name = `im_medium_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE ${env('MEDIUM_TEMPLATE_DATABASE')}`);
  const url = new URL(env('DATABASE_URL'));
  url.pathname = `/${name}`;
  const dataSource = createDataSource(dataSourceOptions(url.toString(), poolSize));
  await dataSource.initialize();
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The service's configuration from its defaults, with these variables set. */
export const config = (vars: Record<string, string> = {}): AppConfig => loadConfig({ LOG_LEVEL: 'silent', ...vars });

/** The cluster signals of one instance named `instanceId`, as with REDIS_URL (nothing is sent: no test publishes). */
export const instance = (instanceId: string): ClusterSignals =>
  new ClusterSignals({ instanceId } as unknown as RedisConnection);

export const SYSTEM_CONTEXT: AuditContext = {
  actor: { type: 'system', id: null, name: 'medium-test', role: null },
  ip: '127.0.0.1',
  correlationId: 'medium-test',
};

/**
 * An infusion session in `phase` (a new site and device each), created `ageMs` ago. Only the
 * columns the services under test read carry meaning.
 */
export async function createSession(
  dataSource: DataSource,
  { phase = 'infusing', ageMs = 0 }: { phase?: Phase; ageMs?: number } = {},
): Promise<{ sessionId: string; siteId: string }> {
  const [site] = (await dataSource.query(`INSERT INTO sites (name) VALUES ($1) RETURNING id`, [
    `Site ${randomUUID()}`,
  ])) as { id: string }[];
  const [device] = (await dataSource.query(
    `INSERT INTO devices (site_id, name, token_hash) VALUES ($1, 'chair monitor', $2) RETURNING id`,
    [site!.id, randomBytes(32).toString('hex')],
  )) as { id: string }[];
  const [session] = (await dataSource.query(
    `INSERT INTO sessions (site_id, device_id, protocol_id, patient_ref, chair, weight_kg, planned_dose_mg_per_kg,
                           series_number, consent_obtained_at, consent_witnessed_by, phase, created_by, created_at)
     SELECT $1, $2, p.id, 'MRN-0001', '1', 70, 0.5, 1, now(), 'Nurse Witness', $3, $4,
            now() - $5 * interval '1 millisecond'
       FROM protocols p ORDER BY p.created_at, p.key LIMIT 1
     RETURNING id`,
    [site!.id, device!.id, phase, randomUUID(), ageMs],
  )) as { id: string }[];
  return { sessionId: session!.id, siteId: site!.id };
}
