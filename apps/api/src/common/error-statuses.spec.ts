import { ERROR_CODES, isErrorCode, READING_ERROR_CODES } from '#contracts';
import { DomainError, STATUS_BY_CODE } from './domain-error.js';
import { codeOfStatus, ERROR_STATUSES, reasonOfStatus } from './error-statuses.js';

describe('error codes by status', () => {
  it.each([
    [400, 'validation_failed'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [409, 'conflict'],
    [413, 'payload_too_large'],
    [415, 'unsupported_media_type'],
    [422, 'validation_failed'],
    [429, 'throttled'],
    [500, 'internal'],
    [503, 'unavailable'],
  ])('gives an error of status %i without a code of its own the code %s', (status, code) => {
    expect(codeOfStatus(status)).toBe(code);
    expect(reasonOfStatus(status)).not.toBe('Error');
  });

  it('maps every status it names to a code of the list', () => {
    for (const { code } of Object.values(ERROR_STATUSES)) expect(isErrorCode(code)).toBe(true);
  });

  it('still gives a status it does not name a code of the list', () => {
    expect([codeOfStatus(405), codeOfStatus(408), codeOfStatus(502)]).toEqual([
      'request_refused',
      'request_refused',
      'internal',
    ]);
    expect(reasonOfStatus(418)).toBe('Error');
  });

  it('gives every DomainError code a status the error body knows', () => {
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
      expect([code, isErrorCode(code)]).toEqual([code, true]);
      expect([code, ERROR_STATUSES[status]]).toEqual([code, expect.anything()]);
      expect(new DomainError(code as keyof typeof STATUS_BY_CODE, 'x').status).toBe(status);
    }
  });

  it('uses the contract’s names and keeps the device codes in the one list', () => {
    expect(STATUS_BY_CODE).toMatchObject({ unauthorized: 401, throttled: 429, signature_password_wrong: 401 });
    expect(STATUS_BY_CODE).not.toHaveProperty('unauthenticated');
    expect(STATUS_BY_CODE).not.toHaveProperty('too_many_attempts');
    for (const code of READING_ERROR_CODES) expect(ERROR_CODES[code]).toEqual(expect.any(String));
    expect(isErrorCode('toString')).toBe(false);
  });
});
