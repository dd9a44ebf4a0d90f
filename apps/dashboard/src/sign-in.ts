import type { LoginResponse, UserView } from '#contracts';

/** Who is signed in on this tab. Kept in sessionStorage: closing the tab signs out, a reload does not. */
export interface SignedIn {
  token: string;
  user: UserView;
  expiresAt: number;
}

const KEY = 'infusion-monitor.sign-in';
const listeners = new Set<() => void>();
let current: SignedIn | null = read();
/** Why the last sign-in ended, when the service ended it (shown on the login page). */
let notice: string | null = null;
/** Requests in flight that end this tab's token on purpose (Sign out, a password change). */
let endingOnPurpose = 0;
let expiry: ReturnType<typeof setTimeout> | undefined;
scheduleExpiry();

/** The token's end is the sign-in's end, even on a page that calls nothing. */
function scheduleExpiry(): void {
  clearTimeout(expiry);
  if (current) expiry = setTimeout(() => signIn.end('Your sign-in has expired.'), current.expiresAt - Date.now());
}

function read(): SignedIn | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as SignedIn | null;
    return stored && stored.expiresAt > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

function publish(next: SignedIn | null): void {
  current = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  scheduleExpiry();
  for (const listener of listeners) listener();
}

export const signIn = {
  current: (): SignedIn | null => current,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  notice: (): string | null => notice,
  /**
   * Runs a request that ends this tab's token on purpose (Sign out, the user's own password change):
   * meanwhile the service's word that the token ended is expected, not news to show on the login page.
   */
  async endingToken<T>(request: () => Promise<T>): Promise<T> {
    endingOnPurpose++;
    try {
      return await request();
    } finally {
      endingOnPurpose--;
    }
  },
  isEndingToken: (): boolean => endingOnPurpose > 0,
  start(login: LoginResponse): void {
    notice = null;
    publish({ token: login.accessToken, user: login.user, expiresAt: Date.now() + login.expiresIn * 1000 });
  },
  /** Ends the sign-in on this tab; `why`, when the service ended it, is shown on the login page. */
  end(why: string | null = null): void {
    if (!current) return;
    notice = why;
    publish(null);
  },
};
