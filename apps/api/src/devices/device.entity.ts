import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Site } from '../sites/site.entity.js';

// One registered device per HL7 source: sending application and facility (MSH-3/4) with the device's
// EUI-64 or its bed (PV1-3). Revoked devices let go of their source, so it can be registered again.
@Index('uq_devices_hl7_eui64', ['hl7Application', 'hl7Facility', 'hl7Eui64'], {
  unique: true,
  where: '"hl7_eui64" IS NOT NULL AND "revoked_at" IS NULL',
})
@Index('uq_devices_hl7_bed', ['hl7Application', 'hl7Facility', 'hl7Bed'], {
  unique: true,
  where: '"hl7_bed" IS NOT NULL AND "revoked_at" IS NULL',
})
@Entity('devices')
export class Device {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  siteId: string;

  @ManyToOne(() => Site, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'text' })
  name: string;

  /** SHA-256 of the token's secret part; the token itself is shown once and never stored. */
  @Index({ unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  /** HL7 v2 source (MSH-3 as registered); null for a device that speaks the socket protocol. */
  @Column({ type: 'text', nullable: true })
  hl7Application: string | null;

  /** MSH-4 as registered; '' matches any facility. */
  @Column({ type: 'text', nullable: true })
  hl7Facility: string | null;

  @Column({ type: 'text', nullable: true })
  hl7Eui64: string | null;

  @Column({ type: 'text', nullable: true })
  hl7Bed: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
