import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AlertEvent, AlertSnapshot, EngineSnapshot } from '#vitals';
import { DataSource, In, Not, type EntityManager } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { type AuditEntry, AuditService } from '../audit/audit.service.js';
import { logger } from '../common/logger.js';
import { Batcher } from '../common/batcher.js';
import { User } from '../users/user.entity.js';
import { alertUuid } from './alert-id.js';
import { AlertRow } from './alert.entity.js';
import { AlertTransition } from './alert-transition.entity.js';
import { type AlertView, toAlertView } from './alert-view.js';
import { EngineLeases, LeaseLostError } from '../cluster/engine-leases.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { EngineStateRow } from './engine-state.entity.js';

/**
 * Most transactions storing alert changes at once. A burst of changes (a clinic's network down: each
 * chair's signal_lost within the same second) then leaves most of the pool's 20 connections to the
 * readings' inserts, which every acknowledgement waits for.
 */
const ALERT_WRITERS = 8;

/**
 * Engine states written together: one statement for all, whatever their number. A state with an
 * epoch is written only while its lease is still held under that epoch (locked for the statement).
 */
const SAVE_STATES_SQL = `
  WITH u AS (SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::bigint[]) AS u(session_id, state, epoch)),
       held AS (SELECT l.session_id FROM engine_leases l JOIN u ON u.session_id = l.session_id AND u.epoch = l.epoch
                 WHERE l.owner = $4 FOR SHARE OF l)
  INSERT INTO session_engine_states (session_id, state, epoch, updated_at)
  SELECT session_id, state, epoch, now() FROM u WHERE u.epoch IS NULL OR u.session_id IN (SELECT session_id FROM held)
  ON CONFLICT (session_id) DO UPDATE SET state = excluded.state, epoch = excluded.epoch, updated_at = excluded.updated_at
  RETURNING session_id`;

/**
 * The alerts of the sessions dosed at the site in [from, to), optionally of one protocol version (the
 * same sessions as `ReadingsRepository.thresholdSamples`), for the alarm-burden report.
 */
const BURDEN_ALERTS_SQL = `
  SELECT a.session_id, a.kind, a.severity, a.opened_at, a.acknowledged_at, a.escalated_at
    FROM alerts a JOIN sessions s ON s.id = a.session_id
   WHERE s.site_id = $1 AND ($2::uuid IS NULL OR s.protocol_id = $2)
  AND s.infusion_started_at >= $3 AND s.infusion_started_at < $4`;

interface SavedState {
  sessionId: string;
  state: EngineSnapshot;
  epoch: number | null;
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

function toRow(alert: AlertSnapshot, sessionId: string, siteId: string): AlertRow {
  return Object.assign(new AlertRow(), {
    id: alertUuid(sessionId, alert.id),
    sessionId,
    siteId,
    engineId: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    state: alert.state,
    openedAt: new Date(alert.openedAtMs),
    lastChangedAt: new Date(alert.lastChangedAtMs),
    baseline: alert.baseline,
    trigger: alert.trigger,
    upgradeTrigger: alert.upgradeTrigger,
    peak: alert.peak,
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgedAt: date(alert.acknowledgedAtMs),
    acknowledgementNote: alert.acknowledgedNote,
    escalatedAt: date(alert.escalatedAtMs),
    remindedAt: date(alert.remindedAtMs),
    reminders: alert.reminders,
    endedAt: date(alert.endedAtMs),
    durationMs: alert.durationMs === null ? null : String(alert.durationMs),
    clearedAt: date(alert.clearedAtMs),
    resolvedAt: date(alert.resolvedAtMs),
    message: alert.message,
  });
}

/** Alerts, their transitions and the engines' states in the database. Writes are idempotent. */
@Injectable()
export class AlertStore {
  private readonly names = new Map<string, string>();
  private readonly alertWrites = new ConcurrencyLimit(ALERT_WRITERS);
  /**
   * The states saved at about the same moment share one statement, and one statement runs at a time:
   * the periodic saves of thousands of sessions take one connection of the pool, not one each.
   */
  private readonly stateSaves = new Batcher<SavedState, boolean>((states) => this.saveStates(states), {
    delayMs: 2,
    maxBatch: 500,
    maxConcurrent: 1,
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly auditService: AuditService,
    private readonly leases: EngineLeases,
  ) {}

  /**
   * Stores the events (each alert as it now stands, each transition once) and the engine state, in
   * one transaction; with an `epoch`, only while the engine's lease is still held under it
   * (LeaseLostError otherwise, and nothing is written).
   */
  async save(
    sessionId: string,
    siteId: string,
    epoch: number | null,
    events: AlertEvent[],
    state: EngineSnapshot | null,
    audit?: { context: AuditContext; entry: AuditEntry },
  ): Promise<AlertRow[]> {
    return this.alertWrites.run(() =>
      this.dataSource.transaction(async (manager) => {
        await this.leases.fence(manager, sessionId, epoch);
        if (audit) await this.auditService.record(manager, audit.context, audit.entry);
        const latest = new Map<string, AlertRow>();
        for (const event of events) latest.set(event.alert.id, toRow(event.alert, sessionId, siteId));
        if (latest.size > 0) await manager.upsert(AlertRow, [...latest.values()], ['id']);
        if (events.length > 0) {
          await manager
            .createQueryBuilder()
            .insert()
            .into(AlertTransition)
            .values(
              events.map((event) => {
                const byStaff =
                  event.alert.acknowledgedAtMs === event.atMs && ['acknowledged', 'resolved'].includes(event.type);
                return {
                  alertId: alertUuid(sessionId, event.alert.id),
                  sessionId,
                  type: event.type,
                  at: new Date(event.atMs),
                  state: event.alert.state,
                  severity: event.alert.severity,
                  actorId: byStaff ? event.alert.acknowledgedBy : null,
                  note: byStaff ? event.alert.acknowledgedNote : null,
                  message: event.alert.message,
                };
              }),
            )
            .orIgnore()
            .execute();
        }
        if (state) await this.saveState(manager, sessionId, state, epoch);
        return events.map((event) => latest.get(event.alert.id)!);
      }),
    );
  }

  async saveState(
    manager: EntityManager,
    sessionId: string,
    state: EngineSnapshot,
    epoch: number | null,
  ): Promise<void> {
    await manager.upsert(EngineStateRow, { sessionId, state, epoch: epoch === null ? null : String(epoch) }, [
      'sessionId',
    ]);
  }

  /**
   * Saves an engine state on its own, without alert changes, in one statement with the other states
   * saved at about the same moment. Resolves once committed; rejects if the statement failed.
   */
  async saveStateBatched(sessionId: string, state: EngineSnapshot, epoch: number | null): Promise<void> {
    if (!(await this.stateSaves.add({ sessionId, state, epoch }))) throw new LeaseLostError(sessionId);
  }

  /** Whether each state was written (false: its lease was taken over). */
  private async saveStates(states: SavedState[]): Promise<boolean[]> {
    // One row per session: a statement may not update the same row twice.
    const latest = new Map(states.map((s) => [s.sessionId, s]));
    const rows = [...latest.values()];
    let written: { session_id: string }[];
    try {
      written = await this.dataSource.query(SAVE_STATES_SQL, [
        rows.map((s) => s.sessionId),
        rows.map((s) => JSON.stringify(s.state)),
        rows.map((s) => s.epoch),
        this.leases.owner,
      ]);
    } catch (error) {
      logger.warn(
        { err: error, states: states.length },
        'engine states not saved; a rebuild replays the readings stored since the last saved state',
      );
      throw error;
    }
    const saved = new Set(written.map((r) => r.session_id));
    return states.map((s) => saved.has(s.sessionId));
  }

  async loadState(sessionId: string): Promise<EngineSnapshot | null> {
    const row = await this.dataSource.getRepository(EngineStateRow).findOneBy({ sessionId });
    return row?.state ?? null;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  findById(id: string): Promise<AlertRow | null> {
    return this.dataSource.getRepository(AlertRow).findOneBy({ id });
  }

  forSession(sessionId: string): Promise<AlertRow[]> {
    return this.dataSource.getRepository(AlertRow).find({ where: { sessionId }, order: { openedAt: 'ASC' } });
  }

  /** Alerts not yet resolved of these sessions. */
  openFor(sessionIds: string[]): Promise<AlertRow[]> {
    if (sessionIds.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(AlertRow)
      .find({ where: { sessionId: In(sessionIds), state: Not('resolved') }, order: { openedAt: 'ASC' } });
  }

  /** The contract view of alerts, with the names of those who acknowledged them. */
  async view(rows: AlertRow[]): Promise<AlertView[]> {
    const missing = [
      ...new Set(rows.map((r) => r.acknowledgedBy).filter((id): id is string => !!id && !this.names.has(id))),
    ];
    if (missing.length > 0) {
      const users = await this.dataSource
        .getRepository(User)
        .find({ where: { id: In(missing) }, select: { id: true, displayName: true } });
      for (const user of users) this.names.set(user.id, user.displayName);
    }
    return rows.map((row) => toAlertView(row, this.names));
  }

  /** For the alarm-burden report: see `BURDEN_ALERTS_SQL`. */
  burdenAlerts(
    siteId: string,
    protocolId: string | null,
    from: Date,
    to: Date,
  ): Promise<
    {
      session_id: string;
      kind: string;
      severity: string;
      opened_at: Date;
      acknowledged_at: Date | null;
      escalated_at: Date | null;
    }[]
  > {
    return this.dataSource.query(BURDEN_ALERTS_SQL, [siteId, protocolId, from, to]);
  }
}
