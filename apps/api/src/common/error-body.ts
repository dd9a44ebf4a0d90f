import { HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorBody } from '#contracts';
import type { Response } from 'express';
import { isDatabaseUnavailable, uniqueViolation } from './database-errors.js';
import { DomainError } from './domain-error.js';
import { codeOfStatus, reasonOfStatus } from './error-statuses.js';

/** What each unique constraint protects, for the 409 a concurrent duplicate gets. */
const UNIQUE_CONSTRAINTS: Record<string, { field: string; message: string }> = {
  UQ_fe0bb3f6520ee0469504521e710: { field: 'username', message: 'This username is taken' },
  UQ_7a7dbd4513de54a315d97e1a7de: { field: 'name', message: 'A site with this name exists' },
  uq_sessions_open_device: { field: 'deviceId', message: 'This device is already bound to an open session' },
  uq_protocols_key_version: { field: 'key', message: 'This protocol version exists' },
};

/** Turns a thrown error into the contract's error body. Internals never reach the client. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError) {
    return {
      statusCode: error.status,
      error: reasonOfStatus(error.status),
      code: error.code,
      message: error.message,
      details: error.details,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    let message = error.message;
    let details: Record<string, unknown> | undefined;
    if (typeof response === 'object' && response !== null) {
      const raw = (response as { message?: unknown }).message;
      if (Array.isArray(raw)) {
        message = raw.join('; ');
        details = { errors: raw };
      } else if (typeof raw === 'string') {
        message = raw;
      }
    }
    return { statusCode: status, error: reasonOfStatus(status), code: codeOfStatus(status), message, details };
  }
  if (isDatabaseUnavailable(error)) {
    return toErrorBody(new DomainError('unavailable', 'The database is unavailable; try again shortly'));
  }
  const constraint = uniqueViolation(error);
  if (constraint !== null) {
    // Two requests raced past the service's own check: the database kept one, this is the other.
    const known = UNIQUE_CONSTRAINTS[constraint];
    return toErrorBody(
      new DomainError('conflict', known?.message ?? 'This already exists', known ? { field: known.field } : undefined),
    );
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: reasonOfStatus(500),
    code: 'internal',
    message: 'Internal server error',
  };
}

/**
 * Answers with an error body, as JSON whatever the route meant to send (the FHIR route has already set
 * `application/fhir+json`, which this body is not).
 */
export function sendErrorBody(response: Response, body: ErrorBody): void {
  response.status(body.statusCode).type('application/json').json(body);
}

/** Answers with the contract's error body for `error` (for middleware, which Nest's filter does not cover). */
export function sendError(response: Response, error: unknown): void {
  sendErrorBody(response, toErrorBody(error));
}
