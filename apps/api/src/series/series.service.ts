import { Injectable } from '@nestjs/common';
import type { PatientSeries } from '#contracts';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { buildSeries, seriesNote, type SeriesInfusion, type SeriesNote } from './patient-series.js';

const peak = (value: number | null, at: Date | null) => (value !== null && at ? { value, at } : null);
const NO_SESSION = '00000000-0000-0000-0000-000000000000';

@Injectable()
export class SeriesService {
  constructor(
    private readonly readings: ReadingsRepository,
    private readonly audit: AuditService,
  ) {}

  /** The patient's infusions at a site of the user's; reading it is audited like reading a session. */
  async series(siteId: string, patientRef: string, user: AuthUser, context: AuditContext): Promise<PatientSeries> {
    if (!user.siteIds.includes(siteId)) throw DomainError.notFound('site');
    const infusions = await this.infusions(siteId, patientRef, NO_SESSION);
    await this.audit.recordAlone(context, {
      action: 'patient.series.read',
      entityType: 'patient',
      entityId: patientRef,
      siteId,
      details: { sessionIds: infusions.map((i) => i.sessionId) },
    });
    return { siteId, patientRef, infusions, nextNote: seriesNote(infusions) };
  }

  /** The note for a session just created: from the patient's infusions given before it. */
  async noteFor(session: { id: string; siteId: string; patientRef: string }): Promise<SeriesNote | null> {
    return seriesNote(await this.infusions(session.siteId, session.patientRef, session.id));
  }

  private async infusions(siteId: string, patientRef: string, exceptId: string): Promise<SeriesInfusion[]> {
    const raw = await this.readings.patientInfusions(siteId, patientRef, exceptId);
    return buildSeries(
      raw.map((r) => ({
        id: r.id,
        seriesNumber: r.series_number,
        phase: r.phase,
        protocolKey: r.protocol_key,
        protocolVersion: r.protocol_version,
        createdAt: r.created_at,
        infusionStartedAt: r.infusion_started_at,
        infusionEndedAt: r.infusion_ended_at,
        endedAt: r.ended_at,
        weightKg: Number(r.weight_kg),
        plannedDoseMgPerKg: Number(r.planned_dose_mg_per_kg),
        baseline: r.baseline,
        infusionOverrideReason: r.infusion_override_reason,
        abortReason: r.abort_reason,
        signOffOverrideReason: r.sign_off_override_reason,
        peakSbp: peak(r.peak_sbp, r.peak_sbp_at),
        peakDbp: peak(r.peak_dbp, r.peak_dbp_at),
        peakHr: peak(r.peak_hr, r.peak_hr_at),
        alerts: r.alerts,
      })),
    );
  }
}
