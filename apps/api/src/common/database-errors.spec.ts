import { isDatabaseUnavailable, loggableError, queryShape, uniqueViolation } from './database-errors.js';

/** An error as the `pg` driver raises it for a SQLSTATE. */
function pgError(code: string, message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', ...fields });
}

/** TypeORM's wrapper around a driver error (same name and fields as QueryFailedError). */
function queryFailed(driverError: Error, query = 'INSERT INTO "users"("username") VALUES ($1)', parameters = ['x']) {
  const error = Object.assign(new Error(driverError.message), { driverError, query, parameters });
  Object.defineProperty(error, 'name', { value: 'QueryFailedError' });
  return error;
}

describe('database errors', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['connect timeout', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['57P01 admin shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown', pgError('57P02', 'terminating connection because of crash of another server process')],
    ['57P03 cannot connect now', pgError('57P03', 'the database system is starting up')],
    ['53300 too many connections', pgError('53300', 'sorry, too many clients already')],
    ['08006 connection failure', pgError('08006', 'connection failure')],
    ['08001 cannot connect', pgError('08001', 'could not connect')],
    ['08P01 protocol violation', pgError('08P01', 'protocol violation')],
    ['pool acquisition timeout', new Error('timeout exceeded when trying to connect')],
    ['connection ended', new Error('Connection terminated unexpectedly')],
    ['query read timeout', new Error('Query read timeout')],
    ['a dead client', new Error('Client has encountered a connection error and is not queryable')],
    ['wrapped by TypeORM', queryFailed(pgError('57P01', 'terminating connection due to administrator command'))],
    ['as a cause', new Error('could not open a transaction', { cause: pgError('57P03', 'starting up') })],
    [
      'in an AggregateError',
      new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], ''),
    ],
  ])('counts %s as the database being unavailable', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint "uq"')],
    ['a syntax error', pgError('42601', 'syntax error at or near "x"')],
    ['a bug', new TypeError('cannot read properties of undefined')],
  ])('does not count %s as unavailability', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('finds a unique violation and its constraint through TypeORM’s wrapper', () => {
    const error = queryFailed(
      pgError('23505', 'duplicate key value violates unique constraint "uq_users"', { constraint: 'uq_users' }),
    );
    expect(uniqueViolation(error)).toBe('uq_users');
    expect(uniqueViolation(pgError('23503', 'foreign key'))).toBeNull();
  });

  it('logs a driver error with its code and constraint, never its parameters, detail or quoted values', () => {
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
    const error = queryFailed(
      pgError('23505', 'duplicate key value violates unique constraint "uq_users"', {
        constraint: 'uq_users',
        table: 'users',
        detail: 'Key (username)=(nurse.jane) already exists.',
      }),
      `INSERT INTO "users"("username", "password_hash") VALUES ($1, $2)`,
      ['nurse.jane', hash],
    );
    const logged = JSON.stringify(loggableError(error));
    expect(logged).not.toContain('nurse.jane');
    expect(logged).not.toContain('argon2');
    expect(logged).not.toContain('Key (');
    expect(JSON.parse(logged)).toMatchObject({
      code: '23505',
      constraint: 'uq_users',
      table: 'users',
      query: 'INSERT INTO "users"("username", "password_hash") VALUES ($1, $2)',
    });
    const invalid = loggableError(pgError('22P02', 'invalid input syntax for type uuid: "MRN-12345"'));
    expect(JSON.stringify(invalid)).not.toContain('MRN-12345');
  });

  it('keeps a query’s shape without its literals', () => {
    expect(queryShape(`SELECT *\n  FROM sessions WHERE patient_ref = 'MRN-1' AND id = $1`)).toBe(
      `SELECT * FROM sessions WHERE patient_ref = '…' AND id = $1`,
    );
  });
});
