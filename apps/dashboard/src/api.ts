import type { ErrorBody, ErrorCode } from '#contracts';
import { signIn } from './sign-in';

/** A refused request, with the service's error body (`details.blockers` for a 422, for instance). */
export class ApiError extends Error {
  /** What was refused (ERROR_CODES), when the service said. */
  get code(): ErrorCode | null {
    return this.body?.code ?? null;
  }

  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
    message = body?.message ?? `The service answered ${status}`,
  ) {
    super(message);
  }
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const token = signIn.current()?.token;
  try {
    return await fetch(`/api/v1${path}`, {
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
}

/**
 * A refused answer as an ApiError. A refused token (`unauthorized`) means the sign-in has ended: back
 * to the login page. Other 401s (a wrong password entered again to sign or to change it) leave it be.
 */
async function refusal(response: Response): Promise<ApiError> {
  const text = await response.text();
  const body = ((text ? safeJson(text) : undefined) as ErrorBody | undefined) ?? null;
  if (body?.code === 'unauthorized' && signIn.current()) signIn.end('Your sign-in has ended.');
  return new ApiError(response.status, body);
}

/** Calls `/api/v1` as the signed-in user. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (!response.ok) throw await refusal(response);
  const text = await response.text();
  return (text ? safeJson(text) : undefined) as T;
}

/**
 * A file the API serves only with the bearer token (the printable record, audit exports): a plain
 * link cannot carry the token, so it is fetched and handed to the browser as a Blob.
 */
export async function getBlob(path: string): Promise<Blob> {
  const response = await send('GET', path);
  if (!response.ok) throw await refusal(response);
  return response.blob();
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
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
