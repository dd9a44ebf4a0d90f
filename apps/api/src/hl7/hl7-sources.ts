import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DevicesRepository } from '../devices/devices.repository.js';
import { DomainEvents } from '../events/domain-events.js';
import type { SourceClaim } from './pcd01-mapping.js';

export interface Hl7Device {
  deviceId: string;
  siteId: string;
}

const CACHE_LIMIT = 10_000;
/** How long a found source is believed without asking again (a revocation elsewhere takes effect within it). */
const CACHE_MS = 10_000;

/**
 * Which registered device an HL7 message comes from: the live device whose sending application
 * (MSH-3, whole or its first component) and facility (MSH-4, or any when registered without one)
 * match, and whose EUI-64 the message names or whose bed is its PV1-3. Found matches are kept in
 * memory for 10 s (a cache: also dropped whenever a device is revoked in this process, so a
 * revocation elsewhere takes effect within 10 s); unknown sources are asked for every time, so a
 * newly registered gateway is accepted at once.
 */
@Injectable()
export class Hl7Sources implements OnModuleDestroy {
  private readonly known = new Map<string, { device: Hl7Device; at: number }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly devices: DevicesRepository,
    events: DomainEvents,
  ) {
    this.unsubscribe = events.on('device.revoked', () => this.known.clear());
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The device, `null` for an unknown source, or `'ambiguous'` when several registrations match. */
  async find(claim: SourceClaim): Promise<Hl7Device | null | 'ambiguous'> {
    const key = JSON.stringify(claim);
    const cached = this.known.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.device;
    const rows = await this.devices.hl7Sources([claim.application, claim.applicationName]);
    const facilities = new Set(['', claim.facility, claim.facilityName]);
    const matches = rows.filter(
      (row) =>
        facilities.has(row.hl7_facility) &&
        ((row.hl7_eui64 !== null && claim.eui64s.includes(row.hl7_eui64)) ||
          (row.hl7_bed !== null && row.hl7_bed === claim.bed)),
    );
    if (matches.length > 1) return 'ambiguous';
    const row = matches[0];
    if (!row) return null;
    const device = { deviceId: row.id, siteId: row.site_id };
    if (this.known.size >= CACHE_LIMIT) this.known.clear();
    this.known.set(key, { device, at: Date.now() });
    return device;
  }
}
