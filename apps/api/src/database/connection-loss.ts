import {
  DataSource,
  type DataSourceOptions,
  type QueryRunner,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';

interface PostgresRunner {
  isReleased: boolean;
  releasePostgresConnection(error?: unknown): Promise<void>;
  query(...args: unknown[]): Promise<unknown>;
}

/**
 * When a connection a query runner holds fails (PostgreSQL shut down or restarted, the network
 * dropped), TypeORM releases the runner at once, on the driver's `error` event. The runner's next
 * statement (the second query of a `findOne` with relations, the next statement of a transaction)
 * then fails with `QueryRunnerAlreadyReleasedError`, or `QueryRunnerProviderAlreadyReleasedError`
 * through `manager.query`, neither of which says why: the request would end in a 500 instead of the
 * 503 every other way of losing the database gives.
 *
 * This keeps each runner's connection error and gives it as the `cause` of those two errors, so
 * `isDatabaseUnavailable` sees that the database went away. A runner the code released itself and
 * then used still fails with no cause: a bug, and still a 500.
 */
export function keepConnectionLossCause(dataSource: DataSource): DataSource {
  const lost = new WeakMap<object, unknown>();
  /** `error` with the connection error of `runner` as its cause, when the runner was released by one. */
  const explained = (error: unknown, runner: object | undefined): unknown => {
    const cause = runner && lost.get(runner);
    const released =
      error instanceof QueryRunnerAlreadyReleasedError || error instanceof QueryRunnerProviderAlreadyReleasedError;
    if (cause !== undefined && released && error.cause === undefined) {
      Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
    }
    return error;
  };

  const driver = dataSource.driver as unknown as { createQueryRunner(mode: string): PostgresRunner };
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = create(mode);
    const release = runner.releasePostgresConnection.bind(runner);
    // The driver's error listener calls this with the connection's error; `release()` calls it with none.
    runner.releasePostgresConnection = (error) => {
      if (error !== undefined && !runner.isReleased) lost.set(runner, error);
      return release(error);
    };
    const query = runner.query.bind(runner);
    runner.query = (...args) => query(...args).catch((error: unknown) => Promise.reject(explained(error, runner)));
    return runner;
  };

  // `manager.query` inside a transaction: the data source refuses a released runner before asking it.
  const query = dataSource.query.bind(dataSource);
  dataSource.query = <T>(sql: string, parameters?: unknown[], runner?: QueryRunner): Promise<T> =>
    query<T>(sql, parameters, runner).catch((error: unknown) => Promise.reject(explained(error, runner)));
  return dataSource;
}

/** The service's DataSource (TypeORM for PostgreSQL), keeping why a connection was lost. */
export const createDataSource = (options: DataSourceOptions): DataSource =>
  keepConnectionLossCause(new DataSource(options));
