import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { DataSource, type EntityManager, QueryRunnerAlreadyReleasedError, type QueryRunner } from 'typeorm';
import { toErrorBody } from '../../apps/api/src/common/error-body.js';
import { isDatabaseUnavailable } from '../../apps/api/src/common/database-errors.js';
import { keepConnectionLossCause } from '../../apps/api/src/database/connection-loss.js';
import { type MediumDatabase, cloneDatabase } from './support.js';

/**
 * A connection ended by the server between two statements of the same query runner (the second query
 * of a `findOne` with relations, the next statement of a transaction): TypeORM releases the runner on
 * the connection's error, and the statement after it fails with QueryRunnerAlreadyReleasedError.
 */
describe('a query runner whose connection the server ended', () => {
  let db: MediumDatabase;
  let kept: DataSource;
  let plain: DataSource;

  before(async () => {
    db = await cloneDatabase(2);
    kept = keepConnectionLossCause(new DataSource(db.dataSource.options));
    plain = new DataSource(db.dataSource.options);
    await Promise.all([kept.initialize(), plain.initialize()]);
  });
  after(async () => {
    await Promise.all([kept.destroy(), plain.destroy()]);
    await db.close();
  });

  /** Ends the runner's connection from another one (as a PostgreSQL shutdown does, 57P01) and waits until TypeORM has released the runner. */
  async function endConnectionOf(runner: QueryRunner): Promise<void> {
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    const deadline = Date.now() + 5_000;
    while (!runner.isReleased) {
      if (Date.now() > deadline) throw new Error('the runner was not released after its connection ended');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const failureOf = async (work: Promise<unknown>): Promise<unknown> => {
    try {
      await work;
    } catch (error) {
      return error;
    }
    assert.fail('the query succeeded on a released runner');
  };

  it('fails the next statement as the database being unavailable (503), with the connection’s error as its cause', async () => {
    const runner = kept.createQueryRunner();
    await endConnectionOf(runner);
    const error = await failureOf(runner.query('SELECT 1'));
    assert.ok(error instanceof QueryRunnerAlreadyReleasedError);
    assert.ok(error.cause instanceof Error, 'the connection’s error is kept as the cause');
    assert.equal(isDatabaseUnavailable(error), true);
    assert.equal(toErrorBody(error).statusCode, 503);
  });

  it('does the same inside a transaction, through manager.query and through a query builder', async () => {
    const statements = [
      (manager: EntityManager) => manager.query('SELECT 1'),
      (manager: EntityManager) => manager.createQueryBuilder().select('1', 'one').from('sites', 's').getRawMany(),
    ];
    for (const statement of statements) {
      const error = await failureOf(
        kept.transaction(async (manager) => {
          await endConnectionOf(manager.queryRunner!);
          await statement(manager);
        }),
      );
      assert.ok(error instanceof Error && error.name.endsWith('AlreadyReleasedError'), String(error));
      assert.equal(isDatabaseUnavailable(error), true);
      assert.equal(toErrorBody(error).statusCode, 503);
    }
  });

  it('without it, TypeORM’s error says nothing of the lost connection: the 500 this prevents', async () => {
    const runner = plain.createQueryRunner();
    await endConnectionOf(runner);
    const error = await failureOf(runner.query('SELECT 1'));
    assert.ok(error instanceof QueryRunnerAlreadyReleasedError);
    assert.equal(isDatabaseUnavailable(error), false);
    assert.equal(toErrorBody(error).statusCode, 500);
  });

  it('leaves a runner the code released and then used a 500: a bug, not an outage', async () => {
    const runner = kept.createQueryRunner();
    await runner.query('SELECT 1');
    await runner.release();
    const error = await failureOf(runner.query('SELECT 1'));
    assert.ok(error instanceof QueryRunnerAlreadyReleasedError);
    assert.equal(error.cause, undefined);
    assert.equal(isDatabaseUnavailable(error), false);
    assert.equal(toErrorBody(error).statusCode, 500);
  });

  it('still answers on a fresh runner once the connection was lost', async () => {
    assert.deepEqual(await kept.query('SELECT 1 AS one'), [{ one: 1 }]);
  });
});
