import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import { loggableError, scrubDatabaseMessage } from './database-errors.js';

/**
 * Structured logs. Tokens, passwords and patient references are redacted wherever they appear
 * in a logged object.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'patientRef',
  '*.patientRef',
  '*.*.patientRef',
  'auth',
  '*.auth',
  'passwordHash',
  '*.passwordHash',
  'parameters',
  '*.parameters',
  'detail',
  '*.detail',
];

export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  // Errors are logged through loggableError: database errors without their parameters or `detail`.
  serializers: { err: loggableError, error: loggableError },
  base: { service: 'infusion-monitor' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** Nest's own messages through the same logger. */
export class PinoNestLogger implements LoggerService {
  log(message: unknown, context?: string): void {
    logger.info({ context }, String(message));
  }
  /**
   * Nest logs errors it caught itself (a socket handler's, say) as message and stack: a driver's
   * message may quote a value (`invalid input syntax for type uuid: "…"`), so quoted text is dropped.
   */
  error(message: unknown, trace?: string, context?: string): void {
    if (message instanceof Error) {
      logger.error({ context, err: message }, 'error');
      return;
    }
    const frames = typeof trace === 'string' ? trace.split('\n').filter((line) => /^\s+at /.test(line)) : [];
    logger.error({ context, trace: frames.join('\n') || undefined }, scrubDatabaseMessage(String(message)));
  }
  warn(message: unknown, context?: string): void {
    logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    logger.trace({ context }, String(message));
  }
}
