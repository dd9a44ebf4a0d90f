import type { Logger as TypeOrmLogger } from 'typeorm';
import { queryShape, scrubDatabaseMessage } from '../common/database-errors.js';
import { logger } from '../common/logger.js';

/**
 * TypeORM's own logger prints a failed query with its parameters: patient references on a refused
 * session, password hashes on a duplicate username. This one logs the error's code, constraint and
 * the query's shape, and never a parameter.
 */
export class QueryLogger implements TypeOrmLogger {
  logQuery(): void {
    // Successful queries are not logged.
  }

  logQueryError(error: string | Error, query: string): void {
    // pino's `err` serializer (loggableError) keeps the code and constraint and drops the values.
    logger.warn(
      { err: typeof error === 'string' ? new Error(error) : error, query: queryShape(query) },
      'database query failed',
    );
  }

  logQuerySlow(time: number, query: string): void {
    logger.warn({ ms: time, query: queryShape(query) }, 'slow database query');
  }

  logSchemaBuild(): void {
    // Not used: the schema comes from migrations.
  }

  logMigration(message: string): void {
    logger.info({ migration: message }, 'migration');
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    // TypeORM's own notices (a pool error, say) may quote a driver message: quoted text is dropped.
    const text = typeof message === 'string' ? scrubDatabaseMessage(message) : 'database message';
    if (level === 'warn') logger.warn(text);
    else logger.debug(text);
  }
}
