import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { OPEN_PHASES, type Phase } from '#contracts';
import {
  Between,
  In,
  LessThanOrEqual,
  MoreThanOrEqual,
  QueryFailedError,
  Repository,
  type FindOptionsWhere,
} from 'typeorm';
import { predoseGate } from '#vitals';
import type { AuditContext } from '../audit/audit-context.js';
import { type AuditEntry, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { DevicesService } from '../devices/devices.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { Protocol } from '../protocols/protocol.entity.js';
import type { CreateSessionDto, ListSessionsQuery } from './sessions.dto.js';
import type { Session } from './session.entity.js';
import { SessionBaselines } from './session-baselines.js';
import { SessionsRepository } from './sessions.repository.js';
import { toSessionView } from './session-view.js';

/** Which phase each action moves a session to, and from which phases it may. */
const TRANSITIONS = {
  'infusion-start': { from: ['baseline'], to: 'infusing' },
  'infusion-end': { from: ['infusing'], to: 'recovery' },
  abort: { from: OPEN_PHASES, to: 'aborted' },
} as const satisfies Record<string, { from: readonly Phase[]; to: Phase }>;

export type SessionAction = keyof typeof TRANSITIONS;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string; constraint?: string }).code === '23505' &&
    (error.driverError as { constraint?: string }).constraint === constraint
  );
}

@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    @InjectRepository(Protocol) private readonly protocols: Repository<Protocol>,
    private readonly devices: DevicesService,
    private readonly events: DomainEvents,
    private readonly baselines: SessionBaselines,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateSessionDto, user: AuthUser, context: AuditContext): Promise<Session> {
    if (!user.siteIds.includes(dto.siteId)) throw DomainError.notFound('site');
    const device = await this.devices.findForUser(dto.deviceId, user);
    if (device.siteId !== dto.siteId) throw DomainError.notFound('device');
    if (device.revokedAt) throw new DomainError('conflict', 'this device has been revoked');
    if (!(await this.protocols.existsBy({ id: dto.protocolId }))) throw DomainError.notFound('protocol');
    const session = this.sessions.build({
      siteId: dto.siteId,
      patientRef: dto.patientRef,
      chair: dto.chair,
      deviceId: dto.deviceId,
      protocolId: dto.protocolId,
      weightKg: String(dto.weightKg),
      plannedDoseMgPerKg: String(dto.plannedDoseMgPerKg),
      seriesNumber: dto.seriesNumber,
      consentObtainedAt: new Date(dto.consent.obtainedAt),
      consentWitnessedBy: dto.consent.witnessedBy,
      phase: 'baseline',
      createdBy: user.id,
    });
    try {
      await this.audit.transaction(context, async (manager) => {
        const after = await this.sessions.insert(manager, session);
        return {
          result: after,
          audit: { action: 'session.create', ...this.about(after), after: toSessionView(after) },
        };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_sessions_open_device')) {
        throw new DomainError('device_busy', 'This device is already bound to an open session', {
          deviceId: dto.deviceId,
        });
      }
      throw error;
    }
    const created = await this.sessions.byIdOrFail(session.id);
    this.events.emit('session.changed', { session: created, previousDeviceId: null });
    return created;
  }

  async list(user: AuthUser, query: ListSessionsQuery): Promise<Session[]> {
    if (query.siteId && !user.siteIds.includes(query.siteId)) return [];
    const where: FindOptionsWhere<Session> = { siteId: query.siteId ?? In(user.siteIds) };
    if (query.phase) where.phase = query.phase;
    if (query.from && query.to) where.createdAt = Between(new Date(query.from), new Date(query.to));
    else if (query.from) where.createdAt = MoreThanOrEqual(new Date(query.from));
    else if (query.to) where.createdAt = LessThanOrEqual(new Date(query.to));
    return this.sessions.newest(where);
  }

  /** A session of one of the user's sites. Another site's session is "not found", never "forbidden". */
  async get(id: string, user: AuthUser): Promise<Session> {
    const session = await this.sessions.byId(id);
    if (!session) throw DomainError.notFound('session');
    if (!user.siteIds.includes(session.siteId)) throw DomainError.notVisible('session', id);
    return session;
  }

  openSessionsOfSites(siteIds: string[]): Promise<Session[]> {
    if (siteIds.length === 0) return Promise.resolve([]);
    return this.sessions.openOfSites(siteIds);
  }

  /**
   * Starts the infusion once the pre-dose gates pass: a baseline exists and it is not above the
   * protocol's pre-dose BP limits. A clinician may start despite them with a reason, which is kept.
   */
  async startInfusion(
    id: string,
    user: AuthUser,
    context: AuditContext,
    overrideReason: string | undefined,
  ): Promise<Session> {
    const session = await this.get(id, user);
    if (session.phase !== 'baseline') {
      throw new DomainError('wrong_phase', `Cannot start the infusion of a session in phase ${session.phase}`, {
        phase: session.phase,
      });
    }
    const protocol = await this.protocols.findOneByOrFail({ id: session.protocolId });
    const baseline = await this.baselines.baselineOf(id);
    const blockers = predoseGate(baseline, protocol.rules);
    const changes: Partial<Session> = { baseline };
    if (blockers.length > 0) {
      const details = { blockers: blockers.map((b) => b.code), messages: blockers.map((b) => b.message) };
      if (!overrideReason) {
        throw new DomainError('gate_not_met', `The infusion cannot start: ${details.messages.join('; ')}`, details);
      }
      if (user.role !== 'clinician') {
        throw new DomainError('forbidden', 'Only a clinician may start an infusion despite a pre-dose gate', details);
      }
      changes.infusionOverrideReason = overrideReason;
      const override = {
        action: 'session.gate_override',
        ...this.about(session),
        details: { ...details, reason: overrideReason },
      };
      return this.transition(id, user, context, 'infusion-start', changes, [override]);
    }
    return this.transition(id, user, context, 'infusion-start', changes);
  }

  /** Moves a session to its next phase atomically; 409 when it is not in a phase the action starts from. */
  async transition(
    id: string,
    user: AuthUser,
    context: AuditContext,
    action: SessionAction,
    changes: Partial<Session> = {},
    extraAudit: AuditEntry[] = [],
  ): Promise<Session> {
    const session = await this.get(id, user);
    const { from, to } = TRANSITIONS[action];
    const now = new Date();
    const stamp: Partial<Session> =
      action === 'infusion-start'
        ? { infusionStartedAt: now }
        : action === 'infusion-end'
          ? { infusionEndedAt: now }
          : { endedAt: now };
    const updated = await this.audit.transaction(context, async (manager) => {
      const after = await this.sessions.changePhase(manager, id, from, { ...changes, ...stamp, phase: to });
      if (!after) {
        throw new DomainError('wrong_phase', `Cannot ${action.replace('-', ' ')} a session in phase ${session.phase}`, {
          phase: session.phase,
        });
      }
      const entry: AuditEntry = {
        action: `session.${action.replace('-', '_')}`,
        ...this.about(after),
        before: toSessionView(session),
        after: toSessionView(after),
      };
      return { result: after, audit: [entry, ...extraAudit] };
    });
    this.events.emit('session.changed', { session: updated, previousDeviceId: session.deviceId });
    return updated;
  }

  /** Records a read of a patient's session data (the session, its readings, its alerts, lists of sessions). */
  recordRead(context: AuditContext, action: string, session: Session | null, details?: object): Promise<void> {
    return this.audit.recordAlone(context, {
      action,
      ...(session ? this.about(session) : { entityType: 'session' }),
      details,
    });
  }

  private about(session: Session) {
    return { entityType: 'session', entityId: session.id, siteId: session.siteId };
  }
}
