import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import {
  buildSeries,
  seriesNote,
  type SeriesInfusion,
  type SeriesNote,
  type SeriesSessionRow,
} from './patient-series.js';

/**
 * One row per session of the patient with its peaks found in SQL (a session holds thousands of
 * readings: only the three peak rows leave the database). BP peaks skip implausible cuff readings
 * (pulse pressure outside 20–100, as the detection engine's plausibility rule), so an artefact never
 * becomes a patient's "peak"; 0 is no signal.
 */
const SERIES_SQL = `
  SELECT s.id, s.series_number, s.phase, p.key AS protocol_key, p.version AS protocol_version, s.created_at,
         s.infusion_started_at, s.infusion_ended_at, s.ended_at, s.weight_kg, s.planned_dose_mg_per_kg,
         s.baseline, s.infusion_override_reason, s.abort_reason, sig.override_reason AS sign_off_override_reason,
         psbp.sbp AS peak_sbp, psbp.recorded_at AS peak_sbp_at, pdbp.dbp AS peak_dbp, pdbp.recorded_at AS peak_dbp_at,
         phr.hr AS peak_hr, phr.recorded_at AS peak_hr_at,
         COALESCE((SELECT json_agg(json_build_object('kind', a.kind, 'severity', a.severity) ORDER BY a.opened_at)
                     FROM alerts a WHERE a.session_id = s.id), '[]') AS alerts
    FROM sessions s
    JOIN protocols p ON p.id = s.protocol_id
    LEFT JOIN signatures sig ON sig.session_id = s.id
    LEFT JOIN LATERAL (
      SELECT r.sbp, r.recorded_at FROM readings r
       WHERE r.session_id = s.id AND r.recorded_at >= s.infusion_started_at AND r.sbp > 0
         AND (r.dbp IS NULL OR r.dbp <= 0 OR r.sbp - r.dbp BETWEEN 20 AND 100)
       ORDER BY r.sbp DESC, r.recorded_at LIMIT 1) psbp ON true
    LEFT JOIN LATERAL (
      SELECT r.dbp, r.recorded_at FROM readings r
       WHERE r.session_id = s.id AND r.recorded_at >= s.infusion_started_at AND r.dbp > 0
         AND (r.sbp IS NULL OR r.sbp <= 0 OR r.sbp - r.dbp BETWEEN 20 AND 100)
       ORDER BY r.dbp DESC, r.recorded_at LIMIT 1) pdbp ON true
    LEFT JOIN LATERAL (
      SELECT r.hr, r.recorded_at FROM readings r
       WHERE r.session_id = s.id AND r.recorded_at >= s.infusion_started_at AND r.hr > 0
       ORDER BY r.hr DESC, r.recorded_at LIMIT 1) phr ON true
   WHERE s.site_id = $1 AND s.patient_ref = $2 AND s.infusion_started_at IS NOT NULL AND s.id <> $3
   ORDER BY s.infusion_started_at
   LIMIT 500`;

interface Raw {
  id: string;
  series_number: number;
  phase: string;
  protocol_key: string;
  protocol_version: number;
  created_at: Date;
  infusion_started_at: Date | null;
  infusion_ended_at: Date | null;
  ended_at: Date | null;
  weight_kg: string;
  planned_dose_mg_per_kg: string;
  baseline: SeriesSessionRow['baseline'];
  infusion_override_reason: string | null;
  abort_reason: string | null;
  sign_off_override_reason: string | null;
  peak_sbp: number | null;
  peak_sbp_at: Date | null;
  peak_dbp: number | null;
  peak_dbp_at: Date | null;
  peak_hr: number | null;
  peak_hr_at: Date | null;
  alerts: { kind: string; severity: string }[];
}

const peak = (value: number | null, at: Date | null) => (value !== null && at ? { value, at } : null);
const NO_SESSION = '00000000-0000-0000-0000-000000000000';

@Injectable()
export class SeriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The patient's infusions at a site of the user's; reading it is audited like reading a session. */
  async series(
    siteId: string,
    patientRef: string,
    user: AuthUser,
    context: AuditContext,
  ): Promise<{ siteId: string; patientRef: string; infusions: SeriesInfusion[]; nextNote: SeriesNote | null }> {
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
    const raw = (await this.db.query(SERIES_SQL, [siteId, patientRef, exceptId])) as Raw[];
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
