import { Injectable } from '@nestjs/common';
import { AlertStore } from '../alerts/alert-store.js';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { alarmBurden, type AlarmBurden, type BurdenAlert, type BurdenSession } from './alarm-burden.js';

export interface BurdenQuery {
  siteId: string;
  protocolId?: string;
  from: string;
  to: string;
}

@Injectable()
export class AlarmBurdenService {
  constructor(
    private readonly alerts: AlertStore,
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
    const [sessions, alerts] = await Promise.all([
      this.readings.thresholdSamples(query.siteId, query.protocolId ?? null, from, to),
      this.alerts.burdenAlerts(query.siteId, query.protocolId ?? null, from, to),
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
