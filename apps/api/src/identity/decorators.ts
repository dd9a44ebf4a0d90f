import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '#contracts';
import type { Request } from 'express';
import type { AuthUser, Credential } from './auth-user.js';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** The route needs no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export type AuthenticatedRequest = Request & { user: AuthUser; credential?: Credential; correlationId?: string };

export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthUser => context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);

/** The access token of the request: whose it is and what ends it. */
export const CurrentCredential = createParamDecorator(
  (_: unknown, context: ExecutionContext): Credential =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().credential!,
);
