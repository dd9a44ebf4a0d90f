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
  for (const listener of listeners) listener();
}

export const signIn = {
  current: (): SignedIn | null => current,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  start(login: LoginResponse): void {
    publish({ token: login.accessToken, user: login.user, expiresAt: Date.now() + login.expiresIn * 1000 });
  },
  end(): void {
    publish(null);
  },
};
