import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { LoginResponse } from '#contracts';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError } from '../common/domain-error.js';
import type { User } from '../users/user.entity.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { LoginThrottle, tooManyAttempts } from './login-throttle.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

// User ids are UUIDs: a token naming anything else is refused before the database sees it.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TokenPayload {
  sub: string;
  typ: 'access';
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
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
    const retryAfter = await this.throttle.retryAfterSeconds(username, ip);
    if (retryAfter > 0) {
      const record = await this.throttle.refusalToRecord(username, ip);
      if (record) {
        await this.audit.recordAlone(attempt, {
          action: 'auth.login_throttled',
          entityType: 'user',
          details: { retryAfter, notRecordedBefore: record.notRecordedBefore },
        });
      }
      throw tooManyAttempts(retryAfter);
    }
    const passed = (r: { user: User | null; valid: boolean }) => !!r.user && r.user.active && r.valid;
    const { user, valid } = await this.throttle.check(
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
      true,
    );
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
    const payload: TokenPayload = { sub: user.id, typ: 'access' };
    const accessToken = await this.jwt.signAsync(payload, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, expiresIn: this.config.jwtTtlSeconds, user: toUserView(user) };
  }

  /**
   * Checks a user's password again (electronic signatures). A wrong password counts as a failed
   * login, and the same throttle applies.
   */
  async confirmPassword(user: AuthUser, password: string, ip: string): Promise<void> {
    await this.assertNotThrottled(user.username, ip);
    const valid = await this.throttle.check(
      user.username,
      ip,
      async () => {
        const hash = await this.users.passwordHashOf(user.id);
        return !!hash && (await verifyPassword(hash, password));
      },
      (ok) => ok,
      false,
    );
    if (!valid) throw new DomainError('invalid_credentials', 'Wrong password');
  }

  /** The active user behind an access token, or `null` for a bad, expired or revoked one. */
  async authenticate(token: string | undefined): Promise<AuthUser | null> {
    if (!token) return null;
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return null;
    return this.users.findAuthUser(payload.sub);
  }

  private async assertNotThrottled(username: string, ip: string): Promise<void> {
    const retryAfter = await this.throttle.retryAfterSeconds(username, ip);
    if (retryAfter > 0) throw tooManyAttempts(retryAfter);
  }
}
