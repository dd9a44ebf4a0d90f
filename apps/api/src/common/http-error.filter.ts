import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorBody } from '#contracts';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error.js';
import { logger } from './logger.js';

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

function isDatabaseDown(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(code ?? '') ||
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout/.test(message)
  );
}

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
  if (isDatabaseDown(error) || (error instanceof QueryFailedError && isDatabaseDown(error.driverError))) {
    return { statusCode: 503, error: REASONS[503]!, message: 'The database is unavailable; try again shortly' };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: REASONS[500]!, message: 'Internal server error' };
}

/** Answers with the contract's error body for `error` (for middleware, which Nest's filter does not cover). */
export function sendError(response: Response, error: unknown): void {
  const body = toErrorBody(error);
  response.status(body.statusCode).json(body);
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      logger.error({ err: exception, method: request.method, url: request.originalUrl }, 'request failed');
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }
}
