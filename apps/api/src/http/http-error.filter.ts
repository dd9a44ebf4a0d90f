import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthenticatedRequest } from '../identity/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { sendErrorBody, toErrorBody } from '../common/error-body.js';
import { logger } from '../common/logger.js';
import { loggablePath } from '../common/request-log.middleware.js';
import { DomainEvents } from '../events/domain-events.js';

/**
 * Every error a route throws, answered with the contract's error body (common/error-body.ts), and a
 * refused access announced for the audit trail. Here rather than in common/: it depends on auth/
 * and events/, which common/ must not.
 */
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
    if (!response.headersSent) sendErrorBody(response, body);
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
