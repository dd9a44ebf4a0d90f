import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '#contracts';
import { DomainError } from '../common/domain-error.js';
import { AuthService } from './auth.service.js';
import { type AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from '../identity/decorators.js';

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Every route needs a valid access token unless marked @Public(), and the role @Roles() names. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = await this.auth.verify(bearerToken(request.headers.authorization));
    if (!credential) throw new DomainError('unauthorized', 'A valid access token is required');
    const { user } = credential;
    request.user = user;
    request.credential = credential;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw new DomainError('forbidden', `This needs the role ${roles.join(' or ')}`);
    }
    return true;
  }
}
