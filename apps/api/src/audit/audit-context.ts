import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthUser } from '../identity/auth-user.js';
import type { AuthenticatedRequest } from '../identity/decorators.js';

/** Who did something, from where: the first half of every audit event. */
export interface AuditActor {
  type: 'user' | 'device' | 'system' | 'anonymous';
  id: string | null;
  name: string | null;
  role: string | null;
}

export interface AuditContext {
  actor: AuditActor;
  ip: string | null;
  correlationId: string | null;
}

export const userActor = (user: AuthUser): AuditActor => ({
  type: 'user',
  id: user.id,
  name: user.username,
  role: user.role,
});
export const deviceActor = (deviceId: string): AuditActor => ({
  type: 'device',
  id: deviceId,
  name: null,
  role: 'device',
});
export const SYSTEM: AuditContext = {
  actor: { type: 'system', id: null, name: 'infusion-monitor', role: null },
  ip: null,
  correlationId: null,
};

export function auditContextOf(request: Partial<AuthenticatedRequest>): AuditContext {
  return {
    actor: request.user ? userActor(request.user) : { type: 'anonymous', id: null, name: null, role: null },
    ip: request.ip ?? null,
    correlationId: request.correlationId ?? null,
  };
}

/** The audit context of the current request (the authenticated user, the source address, the request id). */
export const Audit = createParamDecorator((_: unknown, context: ExecutionContext): AuditContext =>
  auditContextOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
