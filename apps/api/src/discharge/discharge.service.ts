import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AddendumView,
  type ChecklistView,
  type ObservationView,
  OVERRIDE_MEANINGS,
  overrideReasonProblem,
  type SignatureView,
  signatureStatement,
} from '#contracts';
import { dischargeReadiness, MAX_CLOCK_AHEAD_MS, type Readiness, type RecoveryObservation } from '#vitals';
import { DataSource, type EntityManager } from 'typeorm';
import { AlertStore } from '../alerts/alert-store.js';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { AuthService } from '../auth/auth.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { sha256Hex, stableJson } from '../common/stable-json.js';
import { DomainEvents } from '../events/domain-events.js';
import { Protocol } from '../protocols/protocol.entity.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { Session } from '../sessions/session.entity.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { Site } from '../sites/site.entity.js';
import type { AddendumDto, ChecklistDto, ObservationDto, SignOffDto } from './discharge.dto.js';
import { AddendumRow, DischargeChecklistRow, RecoveryObservationRow, SignatureRow } from './discharge.entities.js';
import { SessionStory, checklistView, observationView, signatureView } from './session-story.js';

/**
 * Recovery and discharge: observations and the escort checklist during recovery, the readiness
 * criteria, the clinician's signature that discharges and locks the record, and signed addenda after.
 */
@Injectable()
export class DischargeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly alerts: AlertStore,
    private readonly story: SessionStory,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly readings: ReadingsRepository,
    private readonly sessionRows: SessionsRepository,
  ) {}

  async addObservation(
    id: string,
    user: AuthUser,
    context: AuditContext,
    dto: ObservationDto,
  ): Promise<ObservationView> {
    const items = [
      dto.moaas,
      dto.oriented,
      dto.steadyGait,
      dto.nausea,
      dto.pain,
      dto.dissociation,
      dto.respiratoryDepression,
      dto.notes?.trim() || undefined,
    ];
    if (items.every((item) => item === undefined)) {
      throw new DomainError('validation_failed', 'An observation needs at least one assessed item or a note');
    }
    const session = await this.inRecovery(id, user);
    this.checkObservedAt(Date.parse(dto.observedAt), session);
    return this.audit.transaction(context, async (manager) => {
      const row = await manager.save(
        manager.create(RecoveryObservationRow, {
          sessionId: id,
          observedAt: new Date(dto.observedAt),
          moaas: dto.moaas ?? null,
          oriented: dto.oriented ?? null,
          steadyGait: dto.steadyGait ?? null,
          nausea: dto.nausea ?? null,
          pain: dto.pain ?? null,
          notes: dto.notes?.trim() || null,
          dissociation: dto.dissociation ?? null,
          respiratoryDepression: dto.respiratoryDepression ?? null,
          recordedBy: user.id,
        }),
      );
      const after = observationView(row);
      return { result: after, audit: { action: 'recovery.observation', ...about(session), after } };
    });
  }

  async putChecklist(id: string, user: AuthUser, context: AuditContext, dto: ChecklistDto): Promise<ChecklistView> {
    const session = await this.inRecovery(id, user);
    return this.audit.transaction(context, async (manager) => {
      const existing = await manager.findOneBy(DischargeChecklistRow, { sessionId: id });
      const presentAt = dto.escortPresentAt ? new Date(dto.escortPresentAt) : null;
      const confirmedBy = presentAt
        ? existing?.escortPresentAt?.getTime() === presentAt.getTime()
          ? existing.escortConfirmedBy
          : user.id
        : null;
      const row = await manager.save(
        manager.create(DischargeChecklistRow, {
          sessionId: id,
          escortName: dto.escort.name,
          escortRelationship: dto.escort.relationship,
          escortPhone: dto.escort.phone,
          escortPresentAt: presentAt,
          escortConfirmedBy: confirmedBy,
          noDrivingAcknowledged: dto.noDrivingAcknowledged,
          instructionsGiven: dto.instructionsGiven,
          belongingsReturned: dto.belongingsReturned,
          followUpAt: dto.followUpAt ? new Date(dto.followUpAt) : null,
          updatedBy: user.id,
          updatedAt: this.clock.now(),
        }),
      );
      const after = checklistView(row);
      const before = existing ? checklistView(existing) : null;
      return { result: after, audit: { action: 'recovery.checklist', ...about(session), before, after } };
    });
  }

  async readiness(id: string, user: AuthUser): Promise<Readiness> {
    return this.readinessOf(await this.sessions.get(id, user));
  }

  /**
   * A clinician's signature: a meaning from the fixed list, the password again, no high alert left
   * unacknowledged, criteria met or an override meaning with a reason that is a sentence; then the
   * statement the clinician confirmed is recorded with the signature, and the session is discharged and locked.
   */
  async signOff(id: string, user: AuthUser, context: AuditContext, dto: SignOffDto): Promise<SignatureView> {
    const override = OVERRIDE_MEANINGS.includes(dto.meaning);
    const reason = override ? (dto.overrideReason?.trim() ?? '') : '';
    const reasonProblem = reason ? overrideReasonProblem(reason) : null;
    if (reasonProblem) throw new DomainError('validation_failed', reasonProblem, { field: 'overrideReason' });
    const session = await this.sessions.get(id, user);
    if (session.phase === 'discharged') throw DomainError.recordLocked();
    try {
      await this.auth.confirmPassword(user, dto.password, context);
    } catch (error) {
      await this.audit.recordAlone(context, {
        action: 'session.signoff_failed',
        ...about(session),
        details: { reason: (error as DomainError).code },
      });
      throw error;
    }
    if (session.phase !== 'recovery') {
      throw new DomainError('wrong_phase', `Discharge is signed in recovery; this session is in ${session.phase}`, {
        phase: session.phase,
      });
    }
    await this.refuseUnacknowledgedHigh(session);
    const readiness = await this.readinessOf(session);
    if (!readiness.ready && (!override || !reason)) {
      throw new DomainError(
        'gate_not_met',
        `Not ready for discharge: ${readiness.blockers.join(', ')}${override ? '' : '; sign with an override meaning and a reason'}`,
        { blockers: readiness.blockers, criteria: readiness.criteria.filter((c) => !c.met) },
      );
    }
    if (readiness.ready && dto.meaning === 'discharge_approved_override') {
      throw new DomainError('conflict', 'Every criterion is met: sign as discharge_approved, without an override', {
        reason: 'override_not_needed',
      });
    }
    if (override && !reason) {
      throw new DomainError('validation_failed', 'This meaning needs a reason', { field: 'overrideReason' });
    }
    const signedAt = this.clock.now();
    const site = await this.dataSource.getRepository(Site).findOneByOrFail({ id: session.siteId });
    const statement = signatureStatement({
      signer: user.displayName,
      patientRef: session.patientRef,
      signedAt: signedAt.toISOString(),
      timeZone: site.timezone,
      meaning: dto.meaning,
      unmet: readiness.criteria.filter((c) => !c.met),
      overrideReason: reason || null,
    });
    // The statement and meaning are part of what the hash binds: the signature cannot be moved to other words.
    const signedRecord = {
      ...(await this.story.of(session)),
      readiness,
      signedAt: signedAt.toISOString(),
      meaning: dto.meaning,
      statement,
    };
    const recordHash = sha256Hex(stableJson(signedRecord));
    const signature = await this.audit.transaction(context, async (manager) => {
      const changed = await manager
        .createQueryBuilder()
        .update(Session)
        .set({ phase: 'discharged', endedAt: signedAt })
        .where(`id = :id AND phase = 'recovery'`, { id })
        .execute();
      if (changed.affected !== 1) throw DomainError.recordLocked();
      const row = await manager.save(
        manager.create(SignatureRow, {
          sessionId: id,
          signedBy: user.id,
          signedByName: user.displayName,
          signedAt,
          meaning: dto.meaning,
          statement,
          overrideReason: reason || null,
          unmetCriteria: readiness.blockers,
          recordHash,
          signedRecord,
        }),
      );
      const after = signatureView(row);
      const entries = [{ action: 'session.signoff', ...about(session), after, details: { score: readiness.score } }];
      if (override) {
        entries.push({
          action: 'session.signoff_override',
          ...about(session),
          after,
          details: { score: readiness.score },
        });
      }
      return { result: after, audit: entries };
    });
    const discharged = await this.sessionRows.byIdOrFail(id);
    this.events.emit('session.changed', { session: discharged, previousDeviceId: session.deviceId });
    return signature;
  }

  async addAddendum(id: string, user: AuthUser, context: AuditContext, dto: AddendumDto): Promise<AddendumView> {
    const session = await this.sessions.get(id, user);
    return this.audit.transaction(context, async (manager: EntityManager) => {
      const createdAt = this.clock.now();
      const row = await manager.save(
        manager.create(AddendumRow, {
          sessionId: id,
          text: dto.text,
          authorId: user.id,
          authorName: user.displayName,
          authorRole: user.role,
          createdAt,
          textHash: sha256Hex(
            stableJson({ sessionId: id, text: dto.text, authorId: user.id, createdAt: createdAt.toISOString() }),
          ),
        }),
      );
      return {
        result: {
          id: row.id,
          text: row.text,
          author: { id: user.id, displayName: user.displayName },
          createdAt: createdAt.toISOString(),
          textHash: row.textHash,
        },
        audit: { action: 'session.addendum', ...about(session), after: { id: row.id, text: row.text } },
      };
    });
  }

  /** A high alert still waiting for acknowledgement (active or latched) must be answered before discharge. */
  private async refuseUnacknowledgedHigh(session: Session): Promise<void> {
    const waiting = (await this.alerts.forSession(session.id)).filter(
      (a) => a.severity === 'high' && (a.state === 'active' || a.state === 'cleared'),
    );
    if (waiting.length === 0) return;
    const views = await this.alerts.view(waiting);
    throw new DomainError(
      'alert_unacknowledged',
      `Acknowledge the high alert${views.length > 1 ? 's' : ''} first: ${views.map((a) => a.message).join('; ')}`,
      {
        alerts: views.map((a) => ({
          id: a.id,
          kind: a.kind,
          severity: a.severity,
          state: a.state,
          message: a.message,
        })),
      },
    );
  }

  private async readinessOf(session: Session): Promise<Readiness> {
    const [protocol, latest, alerts, observation, checklist] = await Promise.all([
      this.dataSource.getRepository(Protocol).findOneByOrFail({ id: session.protocolId }),
      this.readings.latestValues(session.id),
      this.alerts.forSession(session.id),
      this.dataSource
        .getRepository(RecoveryObservationRow)
        .find({ where: { sessionId: session.id }, order: { observedAt: 'DESC', recordedAt: 'DESC' } }),
      this.dataSource.getRepository(DischargeChecklistRow).findOneBy({ sessionId: session.id }),
    ]);
    return dischargeReadiness({
      rules: protocol.rules,
      nowMs: this.clock.nowMs(),
      infusionStartedAtMs: session.infusionStartedAt?.getTime() ?? null,
      infusionEndedAtMs: session.infusionEndedAt?.getTime() ?? null,
      baseline: session.baseline,
      latest,
      alerts,
      observation: latestAssessment(observation),
      checklist: checklist && {
        escort: {
          name: checklist.escortName,
          relationship: checklist.escortRelationship,
          phone: checklist.escortPhone,
        },
        escortPresentAtMs: checklist.escortPresentAt?.getTime() ?? null,
        noDrivingAcknowledged: checklist.noDrivingAcknowledged,
        instructionsGiven: checklist.instructionsGiven,
      },
    });
  }

  /**
   * An observation is of the recovery: not dated after now (it would stay the "latest" and mask a later
   * one) nor before the infusion ended, each with the devices' clock tolerance (the screen's clock
   * may be a little off the server's).
   */
  private checkObservedAt(observedAtMs: number, session: Session): void {
    if (observedAtMs > this.clock.nowMs() + MAX_CLOCK_AHEAD_MS) {
      throw new DomainError('validation_failed', 'observedAt is in the future', {
        field: 'observedAt',
        reason: 'in_future',
      });
    }
    const endedAtMs = session.infusionEndedAt?.getTime();
    if (endedAtMs !== undefined && observedAtMs < endedAtMs - MAX_CLOCK_AHEAD_MS) {
      throw new DomainError('validation_failed', 'observedAt is before the infusion ended', {
        field: 'observedAt',
        reason: 'before_infusion_end',
        infusionEndedAt: session.infusionEndedAt!.toISOString(),
      });
    }
  }

  private async inRecovery(id: string, user: AuthUser): Promise<Session> {
    const session = await this.sessions.get(id, user);
    if (session.phase === 'discharged') throw DomainError.recordLocked();
    if (session.phase !== 'recovery') {
      throw new DomainError(
        'wrong_phase',
        `Recovery is recorded in phase recovery; this session is in ${session.phase}`,
        { phase: session.phase },
      );
    }
    return session;
  }
}

/** The newest assessed value of each item: an observation that left an item out does not erase it. */
function latestAssessment(newestFirst: RecoveryObservationRow[]): RecoveryObservation | null {
  const newest = newestFirst[0];
  if (!newest) return null;
  const latest = <K extends 'moaas' | 'oriented' | 'steadyGait' | 'nausea' | 'pain'>(key: K) =>
    newestFirst.find((o) => o[key] !== null)?.[key] ?? null;
  return {
    observedAtMs: newest.observedAt.getTime(),
    moaas: latest('moaas'),
    oriented: latest('oriented'),
    steadyGait: latest('steadyGait'),
    nausea: latest('nausea'),
    pain: latest('pain'),
  };
}

const about = (session: Session) => ({ entityType: 'session', entityId: session.id, siteId: session.siteId });
