import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { LoginResponse } from '#contracts';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError } from '../common/domain-error.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { LoginThrottle } from './login-throttle.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(username: string, password: string, ip: string): Promise<LoginResponse> {
    this.assertNotThrottled(username, ip);
    const user = await this.users.findForLogin(username);
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !user.active || !valid) {
      this.throttle.recordFailure(username, ip);
      throw new DomainError('invalid_credentials', 'Wrong username or password');
    }
    this.throttle.recordSuccess(username);
    const payload: TokenPayload = { sub: user.id, typ: 'access' };
    const accessToken = await this.jwt.signAsync(payload, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, expiresIn: this.config.jwtTtlSeconds, user: toUserView(user) };
  }

  /**
   * Checks a user's password again (electronic signatures). A wrong password counts as a failed
   * login, and the same throttle applies.
   */
  async confirmPassword(user: AuthUser, password: string, ip: string): Promise<void> {
    this.assertNotThrottled(user.username, ip);
    const hash = await this.users.passwordHashOf(user.id);
    if (!hash || !(await verifyPassword(hash, password))) {
      this.throttle.recordFailure(user.username, ip);
      throw new DomainError('invalid_credentials', 'Wrong password');
    }
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
    if (payload.typ !== 'access' || typeof payload.sub !== 'string') return null;
    return this.users.findAuthUser(payload.sub);
  }

  private assertNotThrottled(username: string, ip: string): void {
    const retryAfter = this.throttle.retryAfterSeconds(username, ip);
    if (retryAfter > 0) {
      throw new DomainError('too_many_attempts', `Too many failed attempts; try again in ${retryAfter} s`, {
        retryAfterSeconds: retryAfter,
      });
    }
  }
}
