import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, Repository } from 'typeorm';
import { Device } from './device.entity.js';

/** A live HL7 registration, as the source lookup compares it with a message's header. */
export interface Hl7SourceRow {
  id: string;
  site_id: string;
  hl7_facility: string;
  hl7_eui64: string | null;
  hl7_bed: string | null;
}

/**
 * The statements on the `devices` table. Writes that are audited take the caller's transaction
 * (`manager`), so the audit entry commits with the change.
 */
@Injectable()
export class DevicesRepository {
  constructor(@InjectRepository(Device) private readonly devices: Repository<Device>) {}

  /** Every device, by name. */
  all(): Promise<Device[]> {
    return this.devices.find({ order: { name: 'ASC' } });
  }

  byId(id: string): Promise<Device | null> {
    return this.devices.findOneBy({ id });
  }

  /** The live socket device (not an HL7 source) whose token has this hash. */
  liveByTokenHash(tokenHash: string): Promise<Device | null> {
    return this.devices.findOneBy({ tokenHash, revokedAt: IsNull(), hl7Application: IsNull() });
  }

  /** The live HL7 registrations under any of these sending applications. */
  hl7Sources(applications: string[]): Promise<Hl7SourceRow[]> {
    return this.devices.query(
      `SELECT id, site_id, hl7_facility, hl7_eui64, hl7_bed FROM devices
        WHERE revoked_at IS NULL AND hl7_application = ANY($1::text[])`,
      [applications],
    );
  }

  /** Inserts a device in the caller's transaction. */
  insert(manager: EntityManager, fields: Partial<Device>): Promise<Device> {
    return manager.save(manager.create(Device, fields));
  }

  /** Saves a changed device in the caller's transaction. */
  async save(manager: EntityManager, device: Device): Promise<void> {
    await manager.save(device);
  }

  /** When each device was last heard from, in one statement. */
  async touchAll(ids: string[], ats: Date[]): Promise<void> {
    await this.devices.query(
      `UPDATE devices d SET last_seen_at = v.at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
        WHERE d.id = v.id AND (d.last_seen_at IS NULL OR d.last_seen_at < v.at)`,
      [ids, ats],
    );
  }
}
