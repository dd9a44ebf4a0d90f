/**
 * What the service needs to know about an error from PostgreSQL, the `pg` driver or TypeORM: is the
 * database unavailable (→ 503, try again), is it a unique violation (→ 409), and what of it may be
 * logged. Driver errors carry the query's parameters, and PostgreSQL's `detail` repeats the values of
 * a violated key (`Key (username)=(…)`): neither is ever logged.
 */

interface DriverErrorFields {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
  severity?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean "not now" rather than "wrong": class 08 (connection exception), 53300 too many
 * connections, 53400 configuration limit, 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
 * connect now (starting up or shutting down), 57P05 idle session timeout.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|53300|53400|57P0[1235])$/;

// The driver's and the pool's own words when the server went away or never answered.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Connection ended unexpectedly|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)|sorry, too many clients|terminating connection due to administrator command|connect ECONNREFUSED|read ECONNRESET|Client was closed and is not queryable|Connection is not established/i;

/** TypeORM's QueryFailedError, told by its shape (this module stays free of TypeORM, for unit tests). */
interface QueryFailed extends Error {
  driverError: unknown;
  query?: unknown;
}
const isQueryFailed = (error: unknown): error is QueryFailed =>
  error instanceof Error && error.name === 'QueryFailedError' && 'driverError' in error;

/** The driver's error inside TypeORM's wrapper, and any `cause` or AggregateError member. */
function* layers(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const stack = [error];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || current === undefined || seen.has(current) || seen.size > 16) continue;
    seen.add(current);
    yield current;
    if (isQueryFailed(current)) stack.push(current.driverError);
    if (typeof current === 'object') {
      const { cause, errors } = current as { cause?: unknown; errors?: unknown };
      stack.push(cause);
      if (Array.isArray(errors)) stack.push(...(errors as unknown[]));
    }
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as DriverErrorFields | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for every way PostgreSQL or the driver says the database cannot be reached or used right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const layer of layers(error)) {
    const code = codeOf(layer);
    if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (layer instanceof Error && UNAVAILABLE_MESSAGE.test(layer.message)) return true;
  }
  return false;
}

/** The name of the violated unique constraint when `error` is a unique violation (23505), else null. */
export function uniqueViolation(error: unknown): string | null {
  for (const layer of layers(error)) {
    if (codeOf(layer) === '23505') {
      const constraint = (layer as DriverErrorFields).constraint;
      return typeof constraint === 'string' ? constraint : '';
    }
  }
  return null;
}

// PostgreSQL quotes the offending input in many messages (`invalid input syntax for type uuid: "…"`).
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

/** A database message with quoted values replaced, so it can be logged. */
export const scrubDatabaseMessage = (message: string): string => message.replace(QUOTED, '"…"');

const SQL_LITERAL = /'(?:[^']|'')*'/g;

/** The shape of a query (whitespace collapsed, string literals removed), never its parameters. */
export const queryShape = (query: string): string =>
  query.replace(/\s+/g, ' ').trim().replace(SQL_LITERAL, "'…'").slice(0, 300);

function isDatabaseError(error: unknown): boolean {
  for (const layer of layers(error)) {
    if (isQueryFailed(layer)) return true;
    const code = codeOf(layer);
    if (code && /^[0-9A-Z]{5}$/.test(code)) return true;
  }
  return false;
}

/**
 * The loggable form of any error (pino's `err` serializer): type, message, code and the stack's
 * frames. For database errors, only the SQLSTATE, constraint, table, column and routine, and a message
 * without quoted values: never `parameters`, `detail`, `where` or the query's values.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  // Duck-typed: the driver's errors may come from another copy of a class, and anything may be thrown.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') {
    return { message: typeof error === 'string' ? error : 'non-error thrown' };
  }
  const { name = 'Error', message: raw, stack = '', cause } = error as Partial<Error> & { message: string };
  const database = isDatabaseError(error);
  const message = database ? scrubDatabaseMessage(raw) : raw;
  const frames = String(stack)
    .split('\n')
    .filter((line) => /^\s+at /.test(line));
  const out: Record<string, unknown> = {
    type: name,
    message,
    stack: [`${name}: ${message}`, ...frames.slice(0, 12)].join('\n'),
  };
  for (const layer of layers(error)) {
    const fields = layer as DriverErrorFields;
    for (const key of ['code', 'constraint', 'table', 'column', 'routine', 'severity'] as const) {
      if (out[key] === undefined && typeof fields[key] === 'string') out[key] = fields[key];
    }
  }
  if (isQueryFailed(error) && typeof error.query === 'string') out.query = queryShape(error.query);
  if (cause !== undefined && !database) out.cause = loggableError(cause);
  return out;
}
