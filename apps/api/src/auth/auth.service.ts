import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { LoginResponse } from '#contracts';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError } from '../common/domain-error.js';
import type { User } from '../users/user.entity.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { AuthUser, Credential } from '../identity/auth-user.js';
import { LoginThrottle, type ThrottleScope } from './login-throttle.js';
import { dummyPasswordHash, verifyPassword } from '../users/passwords.js';
import { RevokedTokens } from './revoked-tokens.js';
import { UserDirectory } from './user-directory.js';

const tooManyAttempts = (retryAfter: number) =>
  new DomainError('throttled', `Too many failed attempts; try again in ${retryAfter} s`, {
    retryAfterSeconds: retryAfter,
  });

// User ids are UUIDs: a token naming anything else is refused before the database sees it.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TokenPayload {
  sub: string;
  typ: 'access';
  /** The user's token version when it was signed: a bump ends it. */
  ver: number;
  jti: string;
  exp: number;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly directory: UserDirectory,
    private readonly revoked: RevokedTokens,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(username: string, password: string, context: AuditContext): Promise<LoginResponse> {
    const ip = context.ip ?? 'unknown';
    const attempt = {
      ...context,
      actor: { type: 'anonymous' as const, id: null, name: username.slice(0, 64), role: null },
    };
    const passed = (r: { user: User | null; valid: boolean }) => !!r.user && r.user.active && r.valid;
    const checked = await this.throttle.login(
      username,
      ip,
      async () => {
        const found = await this.users.findForLogin(username);
        return {
          user: found,
          valid: await verifyPassword(found?.passwordHash ?? (await dummyPasswordHash()), password),
        };
      },
      passed,
    );
    if ('throttled' in checked) {
      const { retryAfterSeconds, scope } = checked.throttled;
      const scopeKey = scope === 'address' ? `address:${ip}` : `pair:${username.toLowerCase()}\n${ip}`;
      await this.recordRefusal(attempt, scope, scopeKey, retryAfterSeconds);
      throw tooManyAttempts(retryAfterSeconds);
    }
    const { user, valid } = checked.result;
    if (!user || !user.active || !valid) {
      const reason = !user ? 'unknown_user' : !user.active ? 'inactive' : 'wrong_password';
      await this.audit.recordAlone(attempt, {
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: user?.id ?? null,
        details: { reason },
      });
      throw new DomainError('invalid_credentials', 'Wrong username or password');
    }
    await this.audit.recordAlone(
      { ...context, actor: { type: 'user', id: user.id, name: user.username, role: user.role } },
      { action: 'auth.login', entityType: 'user', entityId: user.id },
    );
    return this.issue(user);
  }

  /**
   * The user's own password change: the current password first (throttled like a signature), then the
   * new one, which must pass the password rules. Every token of theirs ends, this one included, and
   * the answer carries a new one, so this screen stays signed in and every other is signed out.
   */
  async changePassword(
    credential: Credential,
    currentPassword: string,
    newPassword: string,
    context: AuditContext,
  ): Promise<LoginResponse> {
    const { user } = credential;
    await this.confirmPassword(user, currentPassword, context, 'invalid_credentials');
    await this.users.changeOwnPassword(user.id, user.username, newPassword, context);
    const changed = await this.users.findForLogin(user.username);
    if (!changed?.active) throw new DomainError('unauthorized', 'A valid access token is required');
    return this.issue(changed);
  }

  private async issue(user: User): Promise<LoginResponse> {
    const payload = { sub: user.id, typ: 'access', ver: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(payload, {
      expiresIn: this.config.jwtTtlSeconds,
      jwtid: randomUUID(),
    });
    return { accessToken, expiresIn: this.config.jwtTtlSeconds, user: toUserView(user) };
  }

  /**
   * Checks a user's password again (electronic signatures). Only the signer's own wrong passwords
   * slow or refuse it: failed sign-ins by anyone, from anywhere, do not. A wrong one is
   * `signature_password_wrong` (`invalid_credentials` for a password change): a 401 that leaves the
   * sign-in standing.
   */
  async confirmPassword(
    user: AuthUser,
    password: string,
    context: AuditContext,
    wrong: 'signature_password_wrong' | 'invalid_credentials' = 'signature_password_wrong',
  ): Promise<void> {
    const checked = await this.throttle.signature(user.id, async () => {
      const hash = await this.users.passwordHashOf(user.id);
      return !!hash && (await verifyPassword(hash, password));
    });
    if ('throttled' in checked) {
      const { retryAfterSeconds, scope } = checked.throttled;
      await this.recordRefusal(context, scope, `signer:${user.id}`, retryAfterSeconds);
      throw tooManyAttempts(retryAfterSeconds);
    }
    if (!checked.result) throw new DomainError(wrong, 'Wrong password');
  }

  /** The active user behind an access token, or `null` for a bad, expired, signed-out or outdated one. */
  async authenticate(token: string | undefined): Promise<AuthUser | null> {
    return (await this.verify(token))?.user ?? null;
  }

  /**
   * The token's credential, or `null`. Costs no query once the user is cached: the user's current
   * token version and the signed-out tokens are kept in the process and follow UserChanges.
   */
  async verify(token: string | undefined): Promise<Credential | null> {
    if (!token) return null;
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    const { sub, typ, ver, jti, exp } = payload;
    if (typ !== 'access' || typeof sub !== 'string' || !UUID.test(sub)) return null;
    if (!Number.isInteger(ver) || typeof jti !== 'string' || !Number.isFinite(exp)) return null;
    if (this.revoked.isRevoked(jti)) return null;
    const entry = await this.directory.find(sub);
    if (!entry || entry.tokenVersion !== ver) return null;
    return { user: entry.user, jti, tokenVersion: ver, expiresAtMs: exp * 1000 };
  }

  /** Ends this one token (`POST /auth/logout`): refused from now on, here and on every instance. */
  async logout(credential: Credential, context: AuditContext): Promise<void> {
    await this.revoked.revoke(credential.jti, credential.user.id, credential.expiresAtMs);
    await this.audit.recordAlone(context, { action: 'auth.logout', entityType: 'user', entityId: credential.user.id });
  }

  /** Ends every token of the user (`POST /auth/logout-all`), this one included. */
  logoutEverywhere(user: AuthUser, context: AuditContext): Promise<void> {
    return this.users.signOutEverywhere(user.id, context);
  }

  private async recordRefusal(
    context: AuditContext,
    scope: ThrottleScope,
    scopeKey: string,
    retryAfter: number,
  ): Promise<void> {
    const record = this.throttle.refusalToRecord(scopeKey);
    if (!record) return;
    await this.audit.recordAlone(context, {
      action: 'auth.login_throttled',
      entityType: 'user',
      details: { scope, retryAfter, notRecordedBefore: record.notRecordedBefore },
    });
  }
}
