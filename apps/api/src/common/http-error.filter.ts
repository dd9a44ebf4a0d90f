import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { ErrorBody } from '#contracts';
import type { Request, Response } from 'express';
import type { AuthenticatedRequest } from '../identity/decorators.js';
import { DomainEvents } from '../events/domain-events.js';
import { isDatabaseUnavailable, uniqueViolation } from './database-errors.js';
import { DomainError } from './domain-error.js';
import { logger } from './logger.js';
import { loggablePath } from './request-log.middleware.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

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
      error: REASONS[error.status] ?? 'Error',
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
    return { statusCode: status, error: REASONS[status] ?? 'Error', message, details };
  }
  if (isDatabaseUnavailable(error)) {
    return { statusCode: 503, error: REASONS[503]!, message: 'The database is unavailable; try again shortly' };
  }
  const constraint = uniqueViolation(error);
  if (constraint !== null) {
    // Two requests raced past the service's own check: the database kept one, this is the other.
    const known = UNIQUE_CONSTRAINTS[constraint];
    return toErrorBody(
      new DomainError('conflict', known?.message ?? 'This already exists', known ? { field: known.field } : undefined),
    );
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: REASONS[500]!, message: 'Internal server error' };
}

/** Answers with the contract's error body for `error` (for middleware, which Nest's filter does not cover). */
export function sendError(response: Response, error: unknown): void {
  const body = toErrorBody(error);
  response.status(body.statusCode).json(body);
}

@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly events: DomainEvents) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const body = toErrorBody(exception);
    this.announceDenial(exception, request as Partial<AuthenticatedRequest>);
    if (body.statusCode >= 500) {
      logger.error({ err: exception, method: request.method, path: loggablePath(request) }, 'request failed');
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  /** A signed-in user refused by role (403) or kept from another site's data (404): for the audit trail. */
  private announceDenial(exception: unknown, request: Partial<AuthenticatedRequest>): void {
    if (!(exception instanceof DomainError) || !request.user) return;
    if (exception.code !== 'forbidden' && !exception.denied) return;
    const route = (request.route as { path?: string } | undefined)?.path ?? null;
    const id = request.params?.id;
    this.events.emit('access.denied', {
      user: { id: request.user.id, username: request.user.username, role: request.user.role },
      ip: request.ip ?? null,
      correlationId: request.correlationId ?? null,
      targetKind: exception.denied?.entityType ?? areaOf(request.originalUrl ?? ''),
      targetId: exception.denied?.entityId ?? (typeof id === 'string' ? id.slice(0, 64) : null),
      status: exception.status,
      method: request.method ?? '',
      route,
    });
  }
}

/** The API's area of a URL: `/api/v1/audit/export?…` → `audit`. */
function areaOf(url: string): string {
  return /^\/api\/v1\/([a-z-]+)/.exec(url)?.[1] ?? 'other';
}
