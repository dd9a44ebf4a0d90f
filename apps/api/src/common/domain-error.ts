import type { ErrorCode } from '#contracts';

/**
 * Coded errors of the domain. The codes are libs/contracts' ERROR_CODES, the same list the socket
 * acknowledgements and the dashboard use; each code a service may throw maps to one HTTP status here.
 * (Plain numbers, not Nest's HttpStatus: this file is imported by unit tests, which run without Nest.)
 */
export const STATUS_BY_CODE = {
  validation_failed: 400,
  weak_password: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  // A 401 as before the code existed; clients tell it from an ended sign-in by its code.
  signature_password_wrong: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  wrong_phase: 409,
  device_busy: 409,
  record_locked: 409,
  alert_unacknowledged: 409,
  last_admin: 409,
  gate_not_met: 422,
  throttled: 429,
  unavailable: 503,
} as const satisfies Partial<Record<ErrorCode, number>>;

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
