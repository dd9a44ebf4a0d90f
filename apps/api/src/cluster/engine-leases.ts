import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OPEN_PHASES, type Phase } from '#contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ClusterSignals } from './cluster-signals.js';

/** The engine's write was refused: another instance took the session over (a newer epoch). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(readonly sessionId: string) {
    super(`the engine lease of session ${sessionId} was taken over`);
  }
}

/** Another instance runs this session's engine. */
export class NotOwnerError extends Error {
  override name = 'NotOwnerError';
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is run by another instance`);
  }
}

const ACQUIRE_SQL = `
  INSERT INTO engine_leases (session_id, owner, epoch, expires_at)
  VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond')
  ON CONFLICT (session_id) DO UPDATE
    SET owner = excluded.owner, epoch = engine_leases.epoch + 1, expires_at = excluded.expires_at
    WHERE engine_leases.expires_at < now() OR engine_leases.owner = excluded.owner
  RETURNING epoch`;

// A SELECT around the UPDATE: TypeORM answers a bare `UPDATE … RETURNING` with `[rows, rowCount]`,
// not the rows, and every renewal would then look like a lost lease.
const RENEW_SQL = `
  WITH renewed AS (
    UPDATE engine_leases l SET expires_at = now() + $4 * interval '1 millisecond'
      FROM unnest($1::uuid[], $2::bigint[]) AS h(session_id, epoch), sessions s
     WHERE l.session_id = h.session_id AND l.epoch = h.epoch AND l.owner = $3 AND s.id = l.session_id
    RETURNING l.session_id, s.phase)
  SELECT session_id, phase FROM renewed`;

/** A session without a lease is left to the instance that opened it for one lease period. */
const ORPHANS_SQL = `
  SELECT s.id FROM sessions s LEFT JOIN engine_leases l ON l.session_id = s.id
   WHERE s.phase = ANY($1::text[])
     AND (l.expires_at < now() OR (l.session_id IS NULL AND s.created_at < now() - $2 * interval '1 millisecond'))`;

/**
 * One detection engine per open session in the whole cluster: a lease row per session (owner,
 * epoch, expiry) in PostgreSQL. The owner renews its leases in one statement every quarter of the
 * lease; a lease that lapses is taken over by an `UPDATE … WHERE expires_at < now()` that bumps the
 * epoch. Every write of an engine's results checks its epoch in its own transaction (`fence`), so an
 * owner that was paused past its lease and taken over writes nothing when it wakes.
 *
 * Only with REDIS_URL (several instances): a single instance owns every engine without a lease, as
 * a restarted instance must rebuild its engines at once rather than wait for its old leases to lapse.
 */
@Injectable()
export class EngineLeases {
  readonly leaseMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signals: ClusterSignals,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.leaseMs = config.engineLeaseMs;
  }

  get enabled(): boolean {
    return this.signals.enabled;
  }

  get owner(): string {
    return this.signals.instanceId;
  }

  /** Takes the session's lease if it is free, lapsed or already this instance's: its new epoch, or null. */
  async acquire(sessionId: string): Promise<number | null> {
    const rows: { epoch: string }[] = await this.dataSource.query(ACQUIRE_SQL, [sessionId, this.owner, this.leaseMs]);
    return rows[0] ? Number(rows[0].epoch) : null;
  }

  /** Extends the leases still held under these epochs; returns those kept, with their session's phase. */
  async renew(held: Map<string, number>): Promise<Map<string, Phase>> {
    if (held.size === 0) return new Map();
    const rows: { session_id: string; phase: Phase }[] = await this.dataSource.query(RENEW_SQL, [
      [...held.keys()],
      [...held.values()],
      this.owner,
      this.leaseMs,
    ]);
    return new Map(rows.map((r) => [r.session_id, r.phase]));
  }

  /** Lets the leases go at once (a graceful shutdown): another instance takes over on its next round. */
  async release(held: Map<string, number>): Promise<void> {
    if (held.size === 0) return;
    await this.dataSource.query(
      `UPDATE engine_leases l SET expires_at = now() - interval '1 millisecond'
         FROM unnest($1::uuid[], $2::bigint[]) AS h(session_id, epoch)
        WHERE l.session_id = h.session_id AND l.epoch = h.epoch AND l.owner = $3`,
      [[...held.keys()], [...held.values()], this.owner],
    );
  }

  /** Open sessions whose engine no instance runs: a lapsed lease, or none for longer than a lease. */
  async orphans(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(ORPHANS_SQL, [OPEN_PHASES, this.leaseMs]);
    return rows.map((r) => r.id);
  }

  /** Who runs the session's engine now (a live lease), or null. */
  async holder(sessionId: string): Promise<string | null> {
    const rows: { owner: string }[] = await this.dataSource.query(
      'SELECT owner FROM engine_leases WHERE session_id = $1 AND expires_at >= now()',
      [sessionId],
    );
    return rows[0]?.owner ?? null;
  }

  /**
   * In the transaction that stores an engine's results: throws LeaseLostError unless the lease is
   * still this instance's under `epoch`, and holds it (FOR SHARE) until the transaction ends, so no
   * takeover commits in between. `null`: a single instance, nothing to check.
   */
  async fence(manager: EntityManager, sessionId: string, epoch: number | null): Promise<void> {
    if (epoch === null) return;
    const rows: unknown[] = await manager.query(
      'SELECT 1 FROM engine_leases WHERE session_id = $1 AND epoch = $2 AND owner = $3 FOR SHARE',
      [sessionId, epoch, this.owner],
    );
    if (rows.length === 0) throw new LeaseLostError(sessionId);
  }
}
