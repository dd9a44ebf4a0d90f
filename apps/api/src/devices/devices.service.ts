import type { CreatedDevice, DeviceView } from '#contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { Batcher } from '../common/batcher.js';
import { DomainError } from '../common/domain-error.js';
import { logger } from '../common/logger.js';
import { DomainEvents } from '../events/domain-events.js';
import { Site } from '../sites/site.entity.js';
import { hashDeviceToken, looksLikeDeviceToken, newDeviceToken } from './device-token.js';
import type { Device } from './device.entity.js';
import { DevicesRepository } from './devices.repository.js';

export interface Hl7Source {
  sendingApplication: string;
  sendingFacility?: string;
  eui64?: string;
  bed?: string;
}

export type { DeviceView };

function toView(device: Device): DeviceView {
  const { id, siteId, name, createdAt, revokedAt, lastSeenAt } = device;
  const hl7Source = device.hl7Application
    ? {
        sendingApplication: device.hl7Application,
        sendingFacility: device.hl7Facility || null,
        eui64: device.hl7Eui64,
        bed: device.hl7Bed,
      }
    : null;
  return {
    id,
    siteId,
    name,
    hl7Source,
    createdAt: createdAt.toISOString(),
    revokedAt: revokedAt?.toISOString() ?? null,
    lastSeenAt: lastSeenAt?.toISOString() ?? null,
  };
}

/** The source's columns, normalised as incoming messages are (trimmed, EUI-64 as 16 upper-case hex digits). */
function hl7Columns(source: Hl7Source | undefined) {
  if (!source) return { hl7Application: null, hl7Facility: null, hl7Eui64: null, hl7Bed: null };
  if ((source.eui64 === undefined) === (source.bed === undefined)) {
    throw new DomainError('validation_failed', 'an HL7 source names either the device (eui64) or the bed', {
      field: 'hl7Source',
    });
  }
  return {
    hl7Application: source.sendingApplication.trim().replace(/\^+$/, ''),
    hl7Facility: source.sendingFacility?.trim().replace(/\^+$/, '') ?? '',
    hl7Eui64: source.eui64?.replace(/[-:]/g, '').toUpperCase() ?? null,
    hl7Bed: source.bed?.trim().replace(/\^+$/, '') ?? null,
  };
}

/** How stale a device's "last seen" may be while it streams. */
const SEEN_EVERY_MS = 30_000;

interface Seen {
  id: string;
  at: Date;
}

@Injectable()
export class DevicesService {
  private readonly lastWritten = new Map<string, number>();
  /**
   * "Last seen" writes, one statement for all the devices due in the same second: a clinic's monitors
   * connect together and fall due together, and one small UPDATE each would take the database
   * connections the readings are written on.
   */
  private readonly touches = new Batcher<Seen, void>((items) => this.touchAll(items), {
    delayMs: 1_000,
    maxBatch: 10_000,
    maxConcurrent: 1,
  });

  constructor(
    private readonly devices: DevicesRepository,
    @InjectRepository(Site) private readonly sites: Repository<Site>,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  async create(siteId: string, name: string, context: AuditContext, hl7Source?: Hl7Source): Promise<CreatedDevice> {
    const hl7 = hl7Columns(hl7Source);
    if (!(await this.sites.existsBy({ id: siteId }))) {
      throw new DomainError('validation_failed', 'unknown site', { field: 'siteId' });
    }
    const { token, hash } = newDeviceToken();
    const device = await this.audit.transaction(context, async (manager) => {
      const created = await this.devices
        .insert(manager, { siteId, name, tokenHash: hash, ...hl7 })
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505' && hl7Source) {
            throw new DomainError('conflict', 'this HL7 source is already registered to a device', {
              field: 'hl7Source',
            });
          }
          throw error;
        });
      const after = toView(created);
      return {
        result: created,
        audit: { action: 'device.create', entityType: 'device', entityId: created.id, siteId, after },
      };
    });
    // An HL7 source never connects to /devices: its token is not handed out.
    return { ...toView(device), token: hl7Source ? null : token };
  }

  async list(user: AuthUser): Promise<DeviceView[]> {
    const devices = await this.devices.all();
    return devices.filter((d) => user.role === 'admin' || user.siteIds.includes(d.siteId)).map(toView);
  }

  async revoke(id: string, context: AuditContext): Promise<DeviceView> {
    const device = await this.devices.byId(id);
    if (!device) throw DomainError.notFound('device');
    if (!device.revokedAt) {
      const before = toView(device);
      device.revokedAt = new Date();
      await this.audit.transaction(context, async (manager) => {
        await this.devices.save(manager, device);
        const after = toView(device);
        return {
          result: null,
          audit: { action: 'device.revoke', entityType: 'device', entityId: id, siteId: device.siteId, before, after },
        };
      });
      this.events.emit('device.revoked', { deviceId: id });
    }
    return toView(device);
  }

  /** The live device a token belongs to, or `null`. */
  async authenticate(token: unknown): Promise<Device | null> {
    if (!looksLikeDeviceToken(token)) return null;
    return this.devices.liveByTokenHash(hashDeviceToken(token));
  }

  /** A device of one of the user's sites; another site's device is "not found". */
  async findForUser(id: string, user: AuthUser): Promise<Device> {
    const device = await this.devices.byId(id);
    if (!device || !user.siteIds.includes(device.siteId)) throw DomainError.notFound('device');
    return device;
  }

  /**
   * Notes that a device was heard from. Written at most once per SEEN_EVERY_MS per device (and at once
   * on connect and disconnect), so a device streaming a reading a second costs one small update a
   * minute, not one per reading. The map is this process's memory of its last writes, nothing more.
   */
  seen(id: string, now = false): void {
    const at = Date.now();
    if (!now && at - (this.lastWritten.get(id) ?? 0) < SEEN_EVERY_MS) return;
    this.lastWritten.set(id, at);
    void this.touches.add({ id, at: new Date(at) }).catch(() => this.lastWritten.delete(id));
  }

  private async touchAll(items: Seen[]): Promise<void[]> {
    // The newest time of each device (a connect and a reading may fall in the same batch).
    const latest = new Map<string, Date>();
    for (const { id, at } of items) {
      const known = latest.get(id);
      if (!known || at > known) latest.set(id, at);
    }
    try {
      await this.devices.touchAll([...latest.keys()], [...latest.values()]);
    } catch (error) {
      logger.warn({ err: error, devices: latest.size }, 'could not note when devices were last seen');
      throw error;
    }
    return items.map(() => undefined);
  }
}
