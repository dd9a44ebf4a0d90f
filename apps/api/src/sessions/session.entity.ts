import type { Phase } from '#contracts';
import type { Baseline } from '#vitals';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Device } from '../devices/device.entity.js';
import { Protocol } from '../protocols/protocol.entity.js';
import type { SessionState } from '../events/session-state.js';
import { Site } from '../sites/site.entity.js';

export const OPEN_PHASE_SQL = `phase IN ('baseline', 'infusing', 'recovery')`;

@Entity('sessions')
@Index('uq_sessions_open_device', ['deviceId'], { unique: true, where: OPEN_PHASE_SQL })
@Index('ix_sessions_site_created', ['siteId', 'createdAt'])
export class Session implements SessionState {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  siteId: string;

  @ManyToOne(() => Site, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'uuid' })
  deviceId: string;

  @ManyToOne(() => Device, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'device_id' })
  device?: Relation<Device>;

  @Column({ type: 'uuid' })
  protocolId: string;

  @ManyToOne(() => Protocol, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'protocol_id' })
  protocol?: Relation<Protocol>;

  @Column({ type: 'text' })
  patientRef: string;

  @Column({ type: 'text' })
  chair: string;

  @Column({ type: 'numeric', precision: 6, scale: 2 })
  weightKg: string;

  @Column({ type: 'numeric', precision: 6, scale: 3 })
  plannedDoseMgPerKg: string;

  @Column({ type: 'integer' })
  seriesNumber: number;

  @Column({ type: 'timestamptz' })
  consentObtainedAt: Date;

  @Column({ type: 'text' })
  consentWitnessedBy: string;

  @Column({ type: 'varchar', length: 16 })
  phase: Phase;

  @Column({ type: 'uuid' })
  createdBy: string;

  @Column({ type: 'timestamptz', nullable: true })
  infusionStartedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  infusionEndedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  abortReason: string | null;

  @Column({ type: 'text', nullable: true })
  infusionOverrideReason: string | null;

  /** The baseline as it stood when the infusion started (medians of the baseline phase). */
  @Column({ type: 'jsonb', nullable: true })
  baseline: Baseline | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
