import type { ErrorCode } from '#contracts';

/**
 * Each status the service answers with an error body: its reason phrase (`error`), and the code of
 * an error that brings none of its own (the validators, the body parser, unknown routes, …). A 422
 * without a code is the validators' kind of refusal: `gate_not_met` is only ever a clinical gate's.
 */
export const ERROR_STATUSES: Readonly<Record<number, { reason: string; code: ErrorCode }>> = {
  400: { reason: 'Bad Request', code: 'validation_failed' },
  401: { reason: 'Unauthorized', code: 'unauthorized' },
  403: { reason: 'Forbidden', code: 'forbidden' },
  404: { reason: 'Not Found', code: 'not_found' },
  409: { reason: 'Conflict', code: 'conflict' },
  413: { reason: 'Payload Too Large', code: 'payload_too_large' },
  415: { reason: 'Unsupported Media Type', code: 'unsupported_media_type' },
  422: { reason: 'Unprocessable Entity', code: 'validation_failed' },
  429: { reason: 'Too Many Requests', code: 'throttled' },
  500: { reason: 'Internal Server Error', code: 'internal' },
  503: { reason: 'Service Unavailable', code: 'unavailable' },
};

export const reasonOfStatus = (status: number): string => ERROR_STATUSES[status]?.reason ?? 'Error';

export const codeOfStatus = (status: number): ErrorCode =>
  ERROR_STATUSES[status]?.code ?? (status >= 500 ? 'internal' : 'request_refused');
