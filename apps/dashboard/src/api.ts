import type { ErrorBody } from '#contracts';
import { signIn } from './sign-in';

/** A refused request, with the service's error body (`details.blockers` for a 422, for instance). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
    message = body?.message ?? `The service answered ${status}`,
  ) {
    super(message);
  }
}

/** Calls `/api/v1` as the signed-in user. A 401 means the sign-in has ended: back to the login page. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const token = signIn.current()?.token;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null, 'The service cannot be reached. Check the network and try again.');
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && token) signIn.end();
    throw new ApiError(response.status, (parsed as ErrorBody | undefined) ?? null);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
