import { verdictOf } from './ward-access.js';

const user = { id: 'u1', username: 'n', displayName: 'N', role: 'nurse' as const, siteIds: ['a'] };
const credential = { user, jti: 'token-1', tokenVersion: 3, expiresAtMs: Date.now() + 60_000 };

describe('verdictOf', () => {
  it('signs out the one token that was signed out, and no other', () => {
    const change = { userId: 'u1', reasons: ['token_revoked' as const], token: { jti: 'token-1', expiresAtMs: 0 } };
    expect(verdictOf(credential, change, { user, tokenVersion: 3 })).toEqual({ signOut: 'signed_out' });
    const other = { ...change, token: { jti: 'token-2', expiresAtMs: 0 } };
    expect(verdictOf(credential, other, { user, tokenVersion: 3 })).toEqual({ keep: true, sitesChanged: false });
  });

  it('signs out a deactivated user and a token of an older version, saying why', () => {
    expect(verdictOf(credential, { userId: 'u1', reasons: ['deactivated'] }, null)).toEqual({ signOut: 'deactivated' });
    expect(verdictOf(credential, { userId: 'u1', reasons: ['password_changed'] }, { user, tokenVersion: 4 })).toEqual({
      signOut: 'password_changed',
    });
    expect(
      verdictOf(credential, { userId: 'u1', reasons: ['signed_out_everywhere'] }, { user, tokenVersion: 4 }),
    ).toEqual({ signOut: 'signed_out_everywhere' });
  });

  it('keeps the socket when only the role or the sites changed, and says whether the sites did', () => {
    const moved = { ...user, role: 'clinician' as const, siteIds: ['b'] };
    expect(
      verdictOf(credential, { userId: 'u1', reasons: ['sites_changed'] }, { user: moved, tokenVersion: 3 }),
    ).toEqual({ keep: true, sitesChanged: true });
  });
});
