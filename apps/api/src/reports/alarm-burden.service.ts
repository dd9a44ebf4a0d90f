import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { alarmBurden, type AlarmBurden, type BurdenAlert, type BurdenSession } from './alarm-burden.js';

/** Sessions dosed at the site in [from, to), optionally of one protocol version. */
const SESSION_FILTER = `s.site_id = $1 AND ($2::uuid IS NULL OR s.protocol_id = $2)
  AND s.infusion_started_at >= $3 AND s.infusion_started_at < $4`;

/**
 * The plain threshold monitor, summed in the database so that a week of 1 Hz readings never leaves
 * it: one alarm per monitored sample (infusion start to discharge or abort) beyond the medium limit
 * of each rule, with the same limits and the session's frozen baseline as the engine. 0 is no signal.
 */
const SESSIONS_SQL = `
  WITH chosen AS (
    SELECT s.id, s.infusion_started_at, s.ended_at, p.rules,
           (s.baseline->>'sbp')::float AS bsbp, (s.baseline->>'dbp')::float AS bdbp, (s.baseline->>'hr')::float AS bhr
      FROM sessions s JOIN protocols p ON p.id = s.protocol_id
     WHERE ${SESSION_FILTER})
  SELECT c.id, c.infusion_started_at, t.samples, t.bp_rise, t.hr_rise, t.spo2_low, t.hr_low
    FROM chosen c
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS samples,
        count(*) FILTER (WHERE
          (r.sbp > 0 AND (r.sbp >= (c.rules->'bpRise'->>'highSbp')::float
                          OR r.sbp > c.bsbp * (100 + (c.rules->'bpRise'->>'mediumPct')::float) / 100))
          OR (r.dbp > 0 AND (r.dbp >= (c.rules->'bpRise'->>'highDbp')::float
                          OR r.dbp > c.bdbp * (100 + (c.rules->'bpRise'->>'mediumPct')::float) / 100)))::int AS bp_rise,
        count(*) FILTER (WHERE r.hr > 0 AND (
          r.hr >= (c.rules->'hrRise'->>'highMin')::float
          OR r.hr > c.bhr * (100 + (c.rules->'hrRise'->>'highPct')::float) / 100
          OR (r.hr > c.bhr * (100 + (c.rules->'hrRise'->>'mediumPct')::float) / 100
              AND r.hr >= (c.rules->'hrRise'->>'mediumMin')::float)))::int AS hr_rise,
        count(*) FILTER (WHERE r.spo2 > 0 AND r.spo2 < (c.rules->'spo2Low'->>'medium')::float)::int AS spo2_low,
        count(*) FILTER (WHERE r.hr > 0 AND r.hr < (c.rules->'hrLow'->>'medium')::float)::int AS hr_low
        FROM readings r
       WHERE r.session_id = c.id AND r.recorded_at >= c.infusion_started_at
         AND (c.ended_at IS NULL OR r.recorded_at <= c.ended_at)) t
   ORDER BY c.infusion_started_at`;

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
      this.db.query(SESSIONS_SQL, params) as Promise<
        {
          id: string;
          infusion_started_at: Date;
          samples: number;
          bp_rise: number;
          hr_rise: number;
          spo2_low: number;
          hr_low: number;
        }[]
      >,
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
