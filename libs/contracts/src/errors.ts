/**
 * Every error code the service sends, with its meaning: in REST error bodies (`code`), in device
 * acknowledgements (`error.code`) and in socket handshake refusals. Clients branch on these codes,
 * never on message text. Add codes here; never rename or drop one.
 */
export const ERROR_CODES = {
  validation_failed: 'The request or reading is invalid; `message` (and `details` or `field`) says what.',
  weak_password: 'The new password is too easy to guess (`details.reason`); choose another.',
  unauthorized: 'No valid access token (or device key): missing, expired, signed out or of an inactive user.',
  invalid_credentials: 'Wrong username or password at sign-in, or a wrong current password when changing it.',
  signature_password_wrong: 'The password entered again to sign is wrong; the sign-in itself still holds.',
  forbidden: 'Signed in, but the role does not allow this.',
  not_found: 'No such route or record, or one of a site the user does not belong to.',
  conflict: 'The request conflicts with what exists (a taken name, a duplicate).',
  wrong_phase: 'The session is not in a phase that allows this (`details.phase`).',
  device_busy: 'The device is already bound to an open session.',
  record_locked: 'The session is signed off and locked; add an addendum instead.',
  alert_unacknowledged: 'An alert of the session is still open; acknowledge it first.',
  last_admin: 'The change would leave no active administrator.',
  gate_not_met: 'A clinical gate is not met (`details.blockers`); a clinician may override it with a reason.',
  payload_too_large: 'The request body is over the size limit.',
  unsupported_media_type: 'The request has a body that is not `application/json`.',
  throttled: 'Too many attempts; try again after `details.retryAfterSeconds`.',
  no_active_session: 'Device: no open session is bound to the device.',
  seq_conflict: 'Device: this `seq` is already stored with different content.',
  clock_skew: 'Device: `recordedAt` is too far ahead of the server clock or before the session began.',
  rate_limited: 'Device: readings arrive faster than allowed; slow down and resend.',
  request_refused: 'A refusal with no more specific code (an HTTP status not listed here).',
  internal: 'An unexpected fault in the service; nothing about it is sent.',
  unavailable: 'The database or another instance is unreachable, or the service is stopping; retry later.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
