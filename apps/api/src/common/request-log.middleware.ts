import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { logger } from './logger.js';

// A path segment that is a word of the API (`sessions`, `discharge-readiness`), not an id or a value.
const API_WORD = /^[a-z][a-z-]{0,39}$/;

/**
 * The path to log: the route's pattern (`/api/v1/sessions/:id`) when a route answered, else the path
 * with every segment that is not a word of the API replaced, so no id, patient reference or token
 * that a caller put in a path reaches the log.
 */
export function loggablePath(request: Request): string {
  const route = (request as Request & { route?: { path?: unknown } }).route?.path;
  if (typeof route === 'string') return `${request.baseUrl}${route}`;
  return request.path
    .split('/')
    .map((segment) => (segment === '' || API_WORD.test(segment) || /^v\d+$/.test(segment) ? segment : ':value'))
    .join('/')
    .slice(0, 200);
}

/**
 * Gives each request a correlation id (the caller's `X-Request-Id` when it is sane), returns it in
 * the response, and logs the request when it finishes. URLs are logged as their route's pattern, without values or query string.
 */
export function requestLog(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  (request as Request & { correlationId: string }).correlationId = id;
  response.setHeader('X-Request-Id', id);
  const started = process.hrtime.bigint();
  response.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const user = (request as Request & { user?: { id: string } }).user;
    logger.info(
      {
        requestId: id,
        method: request.method,
        path: loggablePath(request),
        status: response.statusCode,
        ms: Math.round(ms),
        userId: user?.id,
      },
      'request',
    );
  });
  next();
}
