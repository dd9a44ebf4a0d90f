import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { Protocol } from '../protocols/protocol.entity.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { SessionStory } from '../discharge/session-story.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { Site } from '../sites/site.entity.js';
import { remsForm, type RemsForm } from './rems-form.js';

/**
 * Esketamine is the intranasal route: the seeded `in-esketamine` protocol is the only intranasal one
 * a clinic runs (ketamine itself is given IV here), so a session is an esketamine session when its
 * protocol's route is `intranasal`.
 */
export const isEsketamine = (protocol: Pick<Protocol, 'route'>) => protocol.route === 'intranasal';

@Injectable()
export class RemsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionsService,
    private readonly story: SessionStory,
    private readonly readings: ReadingsRepository,
  ) {}

  async form(id: string, user: AuthUser, context: AuditContext): Promise<RemsForm> {
    const session = await this.sessions.get(id, user);
    const protocol = await this.db.getRepository(Protocol).findOneByOrFail({ id: session.protocolId });
    if (!isEsketamine(protocol))
      throw new DomainError('conflict', 'The REMS Patient Monitoring Form is for esketamine (intranasal) sessions', {
        protocol: protocol.key,
      });
    const [site, record, cuff] = await Promise.all([
      this.db.getRepository(Site).findOneByOrFail({ id: session.siteId }),
      this.story.of(session),
      this.readings.cuffReadings(id),
    ]);
    await this.sessions.recordRead(context, 'rems_form.read', session);
    return remsForm({
      session: {
        id: session.id,
        patientRef: session.patientRef,
        chair: session.chair,
        phase: session.phase,
        weightKg: Number(session.weightKg),
        plannedDoseMgPerKg: Number(session.plannedDoseMgPerKg),
        infusionStartedAt: session.infusionStartedAt?.toISOString() ?? null,
        infusionEndedAt: session.infusionEndedAt?.toISOString() ?? null,
        endedAt: session.endedAt?.toISOString() ?? null,
      },
      protocol: {
        key: protocol.key,
        version: protocol.version,
        name: protocol.name,
        minObservationMinutes: protocol.rules.recovery.minObservationMinutes,
      },
      site: { name: site.name },
      cuffReadings: cuff,
      observations: record.observations,
      signature: record.signature && {
        signedByName: record.signature.signedBy.displayName,
        signedAt: record.signature.signedAt,
        overrideReason: record.signature.overrideReason,
      },
    });
  }
}
