import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { alarmBurden, type AlarmBurden, type BurdenAlert, type BurdenSession } from './alarm-burden.js';

/**
 * Sessions dosed at the site in [from, to), optionally of one protocol version (the same sessions as
 * `ReadingsRepository.thresholdSamples`).
 */
const SESSION_FILTER = `s.site_id = $1 AND ($2::uuid IS NULL OR s.protocol_id = $2)
  AND s.infusion_started_at >= $3 AND s.infusion_started_at < $4`;

const ALERTS_SQL = `
  SELECT a.session_id, a.kind, a.severity, a.opened_at, a.acknowledged_at, a.escalated_at
    FROM alerts a JOIN sessions s ON s.id = a.session_id
   WHERE ${SESSION_FILTER}`;

export interface BurdenQuery {
  siteId: string;
  protocolId?: string;
  from: string;
  to: string;
}

@Injectable()
export class AlarmBurdenService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly readings: ReadingsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Admins see every site; clinicians their own. Reading the report is audited (it summarises sessions). */
  async report(
    query: BurdenQuery,
    user: AuthUser,
    context: AuditContext,
  ): Promise<AlarmBurden & Omit<BurdenQuery, 'protocolId'> & { protocolId: string | null }> {
    if (user.role !== 'admin' && !user.siteIds.includes(query.siteId)) throw DomainError.notFound('site');
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (!(from < to)) throw new DomainError('validation_failed', 'from must be before to');
    const params = [query.siteId, query.protocolId ?? null, from, to];
    const [sessions, alerts] = await Promise.all([
      this.readings.thresholdSamples(query.siteId, query.protocolId ?? null, from, to),
      this.db.query(ALERTS_SQL, params) as Promise<
        {
          session_id: string;
          kind: string;
          severity: string;
          opened_at: Date;
          acknowledged_at: Date | null;
          escalated_at: Date | null;
        }[]
      >,
    ]);
    await this.audit.recordAlone(context, {
      action: 'report.alarm_burden.read',
      entityType: 'report',
      siteId: query.siteId,
      details: { ...query, sessions: sessions.length },
    });
    const rows: BurdenSession[] = sessions.map((s) => ({
      id: s.id,
      infusionStartedAt: s.infusion_started_at,
      samples: s.samples,
      threshold: { bp_rise: s.bp_rise, hr_rise: s.hr_rise, spo2_low: s.spo2_low, hr_low: s.hr_low },
    }));
    const list: BurdenAlert[] = alerts.map((a) => ({
      sessionId: a.session_id,
      kind: a.kind,
      severity: a.severity,
      openedAt: a.opened_at,
      acknowledgedAt: a.acknowledged_at,
      escalatedAt: a.escalated_at,
    }));
    return { ...query, protocolId: query.protocolId ?? null, ...alarmBurden(rows, list) };
  }
}
