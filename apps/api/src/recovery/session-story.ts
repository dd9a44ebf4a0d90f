import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service.js';
import type { Session } from '../sessions/session.entity.js';
import { toSessionView } from '../sessions/session-view.js';
import { AddendumRow, DischargeChecklistRow, RecoveryObservationRow, SignatureRow } from './recovery.entities.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function observationView(o: RecoveryObservationRow) {
  return {
    id: o.id,
    observedAt: o.observedAt.toISOString(),
    moaas: o.moaas,
    oriented: o.oriented,
    steadyGait: o.steadyGait,
    nausea: o.nausea,
    pain: o.pain,
    notes: o.notes,
    dissociation: o.dissociation,
    respiratoryDepression: o.respiratoryDepression,
    recordedBy: o.recordedBy,
    recordedAt: o.recordedAt.toISOString(),
  };
}

export function checklistView(c: DischargeChecklistRow) {
  return {
    escort: { name: c.escortName, relationship: c.escortRelationship, phone: c.escortPhone },
    escortPresentAt: iso(c.escortPresentAt),
    escortConfirmedBy: c.escortConfirmedBy,
    noDrivingAcknowledged: c.noDrivingAcknowledged,
    instructionsGiven: c.instructionsGiven,
    belongingsReturned: c.belongingsReturned,
    followUpAt: iso(c.followUpAt),
    updatedBy: c.updatedBy,
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function signatureView(s: SignatureRow) {
  return {
    signedBy: { id: s.signedBy, displayName: s.signedByName },
    signedAt: s.signedAt.toISOString(),
    meaning: s.meaning,
    overrideReason: s.overrideReason,
    unmetCriteria: s.unmetCriteria,
    recordHash: s.recordHash,
  };
}

const addendumView = (a: AddendumRow) => ({
  id: a.id,
  text: a.text,
  author: { id: a.authorId, displayName: a.authorName, role: a.authorRole },
  createdAt: a.createdAt.toISOString(),
  textHash: a.textHash,
});

/** The whole story of a session: what REST returns, what the printable record shows, and what a signature covers. */
@Injectable()
export class SessionStory {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertsService,
  ) {}

  async readingsSummary(sessionId: string) {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS readings, min(recorded_at) AS first, max(recorded_at) AS last,
              max(sbp) AS "maxSbp", max(dbp) AS "maxDbp", max(hr) AS "maxHr",
              min(NULLIF(spo2, 0)) AS "minSpo2", min(NULLIF(hr, 0)) AS "minHr"
         FROM readings WHERE session_id = $1`,
      [sessionId],
    )) as Record<string, unknown>[];
    return { ...row, first: iso((row?.first as Date) ?? null), last: iso((row?.last as Date) ?? null) };
  }

  async observations(sessionId: string) {
    const rows = await this.dataSource.getRepository(RecoveryObservationRow).find({
      where: { sessionId },
      order: { observedAt: 'ASC', recordedAt: 'ASC' },
    });
    return rows.map(observationView);
  }

  async of(session: Session) {
    const [readings, alerts, observations, checklist, signature, addenda] = await Promise.all([
      this.readingsSummary(session.id),
      this.alerts.listForSession(session.id),
      this.observations(session.id),
      this.dataSource.getRepository(DischargeChecklistRow).findOneBy({ sessionId: session.id }),
      this.dataSource.getRepository(SignatureRow).findOneBy({ sessionId: session.id }),
      this.dataSource
        .getRepository(AddendumRow)
        .find({ where: { sessionId: session.id }, order: { createdAt: 'ASC' } }),
    ]);
    return {
      ...toSessionView(session),
      phases: [
        { phase: 'baseline', at: session.createdAt.toISOString() },
        ...(session.infusionStartedAt ? [{ phase: 'infusing', at: session.infusionStartedAt.toISOString() }] : []),
        ...(session.infusionEndedAt ? [{ phase: 'recovery', at: session.infusionEndedAt.toISOString() }] : []),
        ...(session.endedAt ? [{ phase: session.phase, at: session.endedAt.toISOString() }] : []),
      ],
      readingsSummary: readings,
      alerts,
      observations,
      checklist: checklist ? checklistView(checklist) : null,
      signature: signature ? signatureView(signature) : null,
      addenda: addenda.map(addendumView),
    };
  }
}

export type SessionRecord = Awaited<ReturnType<SessionStory['of']>>;
