import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service.js';
import type { WsAdapter } from './ws-adapter.js';
import { IngestService } from '../ingest/ingest.service.js';
import { LIMIT_STORE, type LimitStore } from '../common/limit-store.js';
import { Metrics } from '../common/metrics.js';
import { RedisLimitStore } from '../common/redis-limit-store.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';

/**
 * The gauges read at scrape time from the parts of the running instance: its database pool, its
 * detection engines, its sockets, and the open sessions in the database.
 */
export function registerInstanceMetrics(app: INestApplication, sockets: WsAdapter): void {
  const metrics = app.get(Metrics);
  const dataSource = app.get(DataSource);
  const alerts = app.get(AlertsService);
  const sessions = app.get(SessionsRepository);
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  metrics.gauge('im_db_pool_waiting', 'Queries waiting for a free database connection', () => pool.waitingCount);
  metrics.gauge('im_db_pool_connections', 'Database connections open in the pool', () => pool.totalCount);
  metrics.gauge('im_db_pool_idle', 'Idle database connections in the pool', () => pool.idleCount);
  const ingest = app.get(IngestService);
  metrics.gauge(
    'im_ingest_in_flight',
    'Readings received and not yet acknowledged (refused beyond INGEST_MAX_IN_FLIGHT)',
    () => ingest.readingsInFlight,
  );
  metrics.gauge('im_engines_owned', 'Detection engines this instance runs', () => alerts.ownedEngines);
  metrics.gauge('im_sessions_open', 'Open sessions in the database (NaN when it does not answer)', async () => {
    try {
      return await sessions.countOpen();
    } catch {
      return Number.NaN;
    }
  });
  const limits = app.get<LimitStore>(LIMIT_STORE);
  if (limits instanceof RedisLimitStore) {
    metrics.gauge(
      'im_limits_shared',
      'Whether login and device limits are counted in Redis (1), or in this instance while Redis does not answer (0)',
      () => (limits.shared ? 1 : 0),
    );
  }
  metrics.gaugeBy('im_sockets', 'Connected socket.io clients of this instance, by namespace', 'namespace', () =>
    sockets.socketCounts(),
  );
}
