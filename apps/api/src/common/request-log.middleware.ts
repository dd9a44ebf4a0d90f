import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { logger } from './logger.js';

/**
 * Gives each request a correlation id (the caller's `X-Request-Id` when it is sane), returns it in
 * the response, and logs the request when it finishes. URLs are logged without their query string.
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
        path: request.path,
        status: response.statusCode,
        ms: Math.round(ms),
        userId: user?.id,
      },
      'request',
    );
  });
  next();
}
