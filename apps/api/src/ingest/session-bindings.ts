import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OPEN_PHASES, type Phase } from '#contracts';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../events/domain-events.js';

export interface Binding {
  sessionId: string;
  siteId: string;
  phase: Phase;
  /** When the session began (was created): readings from well before it are not of this patient. */
  openedAtMs: number;
}

/**
 * Which open session each device is bound to, kept in memory for the hot path. Filled from the
 * database on first use of a device and kept current from session changes (this process makes them).
 */
@Injectable()
export class SessionBindings implements OnModuleInit {
  private readonly byDevice = new Map<string, Binding | null>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('session.changed', ({ session, previousDeviceId }) => {
      if (previousDeviceId && previousDeviceId !== session.deviceId) this.byDevice.set(previousDeviceId, null);
      const open = OPEN_PHASES.includes(session.phase);
      this.byDevice.set(
        session.deviceId,
        open
          ? {
              sessionId: session.id,
              siteId: session.siteId,
              phase: session.phase,
              openedAtMs: session.createdAt.getTime(),
            }
          : null,
      );
    });
  }

  /** What is already known without asking the database: the binding, `null` (none), or `undefined` (not known yet). */
  known(deviceId: string): Binding | null | undefined {
    return this.byDevice.get(deviceId);
  }

  /** The open session bound to the device, or `null`. Throws when the database is needed and down. */
  async of(deviceId: string): Promise<Binding | null> {
    const known = this.byDevice.get(deviceId);
    if (known !== undefined) return known;
    const rows: { id: string; site_id: string; phase: Phase; created_at: Date }[] = await this.dataSource.query(
      `SELECT id, site_id, phase, created_at FROM sessions WHERE device_id = $1 AND phase = ANY($2::text[])`,
      [deviceId, OPEN_PHASES],
    );
    const row = rows[0];
    const binding = row
      ? { sessionId: row.id, siteId: row.site_id, phase: row.phase, openedAtMs: row.created_at.getTime() }
      : null;
    // A session change may have landed while the query ran; it wins.
    if (!this.byDevice.has(deviceId)) this.byDevice.set(deviceId, binding);
    return this.byDevice.get(deviceId) ?? null;
  }
}
