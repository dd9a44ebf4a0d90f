import type { ErrorBody, LoginResponse } from '#contracts';

/** A REST error answer from the service, with its status and the contract's error body. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
    what: string,
  ) {
    super(`${what} → ${status} ${body?.message ?? ''}`.trim());
    this.name = 'RestError';
  }

  get blockers(): string[] {
    const blockers = this.body?.details?.blockers;
    return Array.isArray(blockers) ? blockers.map(String) : [];
  }
}

/** The REST API of the service, signed in as one user, as a script or an integration would call it. */
export class Rest {
  private constructor(
    readonly baseUrl: string,
    readonly login: LoginResponse,
  ) {}

  static async signIn(baseUrl: string, username: string, password: string): Promise<Rest> {
    const login = await Rest.call<LoginResponse>(baseUrl, null, 'POST', '/auth/login', { username, password });
    return new Rest(baseUrl, login);
  }

  get<T>(path: string): Promise<T> {
    return Rest.call<T>(this.baseUrl, this.login.accessToken, 'GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return Rest.call<T>(this.baseUrl, this.login.accessToken, 'POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return Rest.call<T>(this.baseUrl, this.login.accessToken, 'PUT', path, body);
  }

  private static async call<T>(
    baseUrl: string,
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) throw new RestError(response.status, parsed as ErrorBody | null, `${method} ${path}`);
    return parsed as T;
  }
}
