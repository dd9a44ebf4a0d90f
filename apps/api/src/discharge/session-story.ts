import { Injectable } from '@nestjs/common';
import {
  type AddendumView,
  type ChecklistView,
  meaningText,
  type ObservationView,
  type ReadingsSummary,
  type SessionRecord as SessionRecordOf,
  type SignatureView,
} from '#contracts';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Criterion, ProtocolRules } from '#vitals';
import { AlertsService } from '../alerts/alerts.service.js';
import { Protocol } from '../protocols/protocol.entity.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { Site } from '../sites/site.entity.js';
import type { Session } from '../sessions/session.entity.js';
import { toSessionView } from '../sessions/session-view.js';
import { AddendumRow, DischargeChecklistRow, RecoveryObservationRow, SignatureRow } from './discharge.entities.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function observationView(o: RecoveryObservationRow): ObservationView {
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

type Names = Map<string, string>;
const nameOf = (names: Names, id: string | null) => (id ? (names.get(id) ?? null) : null);

export function checklistView(c: DischargeChecklistRow): ChecklistView {
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

export function signatureView(s: SignatureRow): SignatureView {
  return {
    signedBy: { id: s.signedBy, displayName: s.signedByName },
    signedAt: s.signedAt.toISOString(),
    meaning: s.meaning,
    meaningText: meaningText(s.meaning),
    statement: s.statement,
    overrideReason: s.overrideReason,
    unmetCriteria: s.unmetCriteria,
    recordHash: s.recordHash,
  };
}

/** The score and criteria as they stood when the signature was made (kept in the signed record). */
export function readinessAtSigning(s: SignatureRow): { score: number; criteria: Criterion[] } | null {
  const readiness = (s.signedRecord as { readiness?: { score: number; criteria: Criterion[] } }).readiness;
  return readiness ? { score: readiness.score, criteria: readiness.criteria } : null;
}

const addendumView = (a: AddendumRow): AddendumView => ({
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
    private readonly readings: ReadingsRepository,
  ) {}

  async readingsSummary(sessionId: string): Promise<ReadingsSummary> {
    const row = await this.readings.recordSummary(sessionId);
    return {
      ...row,
      first: iso((row?.first as Date) ?? null),
      last: iso((row?.last as Date) ?? null),
    } as ReadingsSummary;
  }

  async observations(sessionId: string, names?: Names) {
    const rows = await this.dataSource.getRepository(RecoveryObservationRow).find({
      where: { sessionId },
      order: { observedAt: 'ASC', recordedAt: 'ASC' },
    });
    const known = names ?? (await this.namesOf(rows.map((o) => o.recordedBy)));
    return rows.map((o) => ({ ...observationView(o), recordedByName: nameOf(known, o.recordedBy) }));
  }

  /** Staff members' display names, for a record that says who did what. */
  private async namesOf(ids: (string | null)[]): Promise<Names> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows: { id: string; display_name: string }[] = await this.dataSource.query(
      'SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])',
      [wanted],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  async of(session: Session): Promise<SessionRecord> {
    const [readings, alerts, observations, checklist, signature, addenda, protocol, site] = await Promise.all([
      this.readingsSummary(session.id),
      this.alerts.listForSession(session.id),
      this.observations(session.id),
      this.dataSource.getRepository(DischargeChecklistRow).findOneBy({ sessionId: session.id }),
      this.dataSource.getRepository(SignatureRow).findOneBy({ sessionId: session.id }),
      this.dataSource
        .getRepository(AddendumRow)
        .find({ where: { sessionId: session.id }, order: { createdAt: 'ASC' } }),
      this.dataSource.getRepository(Protocol).findOneBy({ id: session.protocolId }),
      this.dataSource.getRepository(Site).findOneBy({ id: session.siteId }),
    ]);
    const names = await this.namesOf([checklist?.escortConfirmedBy ?? null]);
    return {
      ...toSessionView(session),
      phases: [
        { phase: 'baseline' as const, at: session.createdAt.toISOString() },
        ...(session.infusionStartedAt
          ? [{ phase: 'infusing' as const, at: session.infusionStartedAt.toISOString() }]
          : []),
        ...(session.infusionEndedAt ? [{ phase: 'recovery' as const, at: session.infusionEndedAt.toISOString() }] : []),
        ...(session.endedAt ? [{ phase: session.phase, at: session.endedAt.toISOString() }] : []),
      ],
      readingsSummary: readings,
      alerts,
      observations,
      protocol: protocol && {
        name: protocol.name,
        version: protocol.version,
        route: protocol.route,
        rules: protocol.rules,
      },
      site: site && { name: site.name, timezone: site.timezone },
      checklist: checklist
        ? { ...checklistView(checklist), escortConfirmedByName: nameOf(names, checklist.escortConfirmedBy) }
        : null,
      signature: signature ? { ...signatureView(signature), atSigning: readinessAtSigning(signature) } : null,
      addenda: addenda.map(addendumView),
    };
  }
}

/** `GET /sessions/:id`, with the protocol's rules whole. */
export type SessionRecord = SessionRecordOf<ProtocolRules>;
