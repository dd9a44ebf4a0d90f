import { ApiError } from '../api';

/** What the service said when it refused a change (400, 409, …), in words for the page. */
export function refusalWords(error: unknown, fallback: string): string {
  if (error instanceof ApiError) {
    const message = error.body?.message as unknown;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string' && message) return message;
  }
  return error instanceof Error && error.message ? error.message : fallback;
}
