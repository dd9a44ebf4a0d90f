import type { WardSignOutReason } from '#contracts';
import type { Credential } from '../identity/auth-user.js';
import type { UserChange } from '../events/user-changes.js';

export const SIGN_OUT_MESSAGES: Record<WardSignOutReason, string> = {
  token_expired: 'Your sign-in has expired.',
  signed_out: 'This sign-in was ended.',
  signed_out_everywhere: 'You were signed out everywhere.',
  password_changed: 'Your password was changed.',
  deactivated: 'Your account was deactivated.',
};

/** What a change means for one open ward socket, once the user has been read again. */
export type WardVerdict = { signOut: WardSignOutReason } | { keep: true; sitesChanged: boolean };

/**
 * Decides, for a socket signed in with `credential`, what `change` does to it: `now` is the user as
 * read again after the change (null: deactivated or gone).
 */
export function verdictOf(
  credential: Credential,
  change: UserChange,
  now: { user: Credential['user']; tokenVersion: number } | null,
): WardVerdict {
  if (change.token?.jti === credential.jti) return { signOut: 'signed_out' };
  if (!now) return { signOut: 'deactivated' };
  if (now.tokenVersion !== credential.tokenVersion) {
    return { signOut: change.reasons.includes('password_changed') ? 'password_changed' : 'signed_out_everywhere' };
  }
  return { keep: true, sitesChanged: now.user.siteIds.join() !== credential.user.siteIds.join() };
}
