import { HttpStatus } from '@nestjs/common';

/**
 * Coded errors of the domain. Each code maps to one HTTP status here, and the same codes are used
 * in socket acknowledgements, so a client sees one vocabulary everywhere.
 */
const STATUS_BY_CODE = {
  validation_failed: HttpStatus.BAD_REQUEST,
  weak_password: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  invalid_credentials: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  wrong_phase: HttpStatus.CONFLICT,
  device_busy: HttpStatus.CONFLICT,
  record_locked: HttpStatus.CONFLICT,
  alert_unacknowledged: HttpStatus.CONFLICT,
  last_admin: HttpStatus.CONFLICT,
  gate_not_met: HttpStatus.UNPROCESSABLE_ENTITY,
  too_many_attempts: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
} as const;

export type DomainErrorCode = keyof typeof STATUS_BY_CODE;

export class DomainError extends Error {
  override name = 'DomainError';

  /**
   * Set when the refusal hides something that exists (another site's session): the caller is told
   * "not found", the audit trail is told the truth (`access.denied`). Never sent to the client.
   */
  denied?: { entityType: string; entityId: string };

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }

  static notFound(what: string): DomainError {
    return new DomainError('not_found', `${what} not found`);
  }

  /** Another site's `entityType`: answered as not found, recorded as a refused access. */
  static notVisible(entityType: string, entityId: string): DomainError {
    const error = DomainError.notFound(entityType);
    error.denied = { entityType, entityId };
    return error;
  }

  /** A signed-off session: nothing in it changes any more. */
  static recordLocked(): DomainError {
    return new DomainError('record_locked', 'This session is signed off and locked; add an addendum instead');
  }
}
