import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { OPEN_PHASES, type Phase } from '#contracts';
import { type EntityManager, type FindOptionsWhere, In, Repository } from 'typeorm';
import { Session } from './session.entity.js';

/** The open session a device is bound to, as the ingest path needs it. */
export interface DeviceBinding {
  id: string;
  site_id: string;
  phase: Phase;
  created_at: Date;
}

/**
 * The statements on the `sessions` table. Writes take the caller's transaction (`manager`), so the
 * audit entry commits with the change; reads outside a transaction use the pool.
 */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  /** A new, unsaved session. */
  build(fields: Partial<Session>): Session {
    return this.sessions.create(fields);
  }

  byId(id: string): Promise<Session | null> {
    return this.sessions.findOneBy({ id });
  }

  byIdOrFail(id: string): Promise<Session> {
    return this.sessions.findOneByOrFail({ id });
  }

  /** The newest 500 sessions matching `where`. */
  newest(where: FindOptionsWhere<Session>): Promise<Session[]> {
    return this.sessions.find({ where, order: { createdAt: 'DESC' }, take: 500 });
  }

  /** Every open session (baseline, infusing, recovery). */
  open(): Promise<Session[]> {
    return this.sessions.find({ where: { phase: In([...OPEN_PHASES]) } });
  }

  /** The open sessions of these sites, by chair. */
  openOfSites(siteIds: string[]): Promise<Session[]> {
    return this.sessions.find({ where: { siteId: In(siteIds), phase: In([...OPEN_PHASES]) }, order: { chair: 'ASC' } });
  }

  /** How many sessions are open. */
  async countOpen(): Promise<number> {
    const rows: { open: number }[] = await this.sessions.query(
      'SELECT count(*)::int AS open FROM sessions WHERE phase = ANY($1)',
      [[...OPEN_PHASES]],
    );
    return rows[0]?.open ?? 0;
  }

  /** The open session bound to the device, if any. */
  async boundTo(deviceId: string): Promise<DeviceBinding | undefined> {
    const rows: DeviceBinding[] = await this.sessions.query(
      `SELECT id, site_id, phase, created_at FROM sessions WHERE device_id = $1 AND phase = ANY($2::text[])`,
      [deviceId, OPEN_PHASES],
    );
    return rows[0];
  }

  /** Inserts the session in the caller's transaction and reads it back as stored. */
  async insert(manager: EntityManager, session: Session): Promise<Session> {
    await manager.insert(Session, session);
    return manager.findOneByOrFail(Session, { id: session.id });
  }

  /**
   * Moves the session to `to` with `changes`, only if it is in one of `from`, in the caller's
   * transaction; answers the session as it now stands, or null when its phase did not allow it.
   */
  async changePhase(
    manager: EntityManager,
    id: string,
    from: readonly Phase[],
    changes: Partial<Session>,
  ): Promise<Session | null> {
    const result = await manager
      .createQueryBuilder()
      .update(Session)
      .set(changes)
      .where('id = :id AND phase IN (:...from)', { id, from })
      .execute();
    if (result.affected !== 1) return null;
    return manager.findOneByOrFail(Session, { id });
  }
}
