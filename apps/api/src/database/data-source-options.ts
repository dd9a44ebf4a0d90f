import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { QueryLogger } from './query-logger.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    logging: ['error', 'warn', 'migration'],
    logger: new QueryLogger(),
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 3000,
      // A reading's acknowledgement waits on the database: fail fast rather than hang when it is gone.
      query_timeout: 15000,
      application_name: 'infusion-monitor',
    },
  };
}
