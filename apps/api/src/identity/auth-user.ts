import type { Role } from '#contracts';

/** The authenticated staff member behind a request or a ward socket. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  siteIds: string[];
}

export function canSeeSite(user: AuthUser, siteId: string): boolean {
  return user.siteIds.includes(siteId);
}

/** An accepted access token: whose it is, and what ends it. */
export interface Credential {
  user: AuthUser;
  jti: string;
  tokenVersion: number;
  expiresAtMs: number;
}
