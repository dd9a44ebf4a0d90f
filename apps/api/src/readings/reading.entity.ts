import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Device } from '../devices/device.entity.js';
import { Session } from '../sessions/session.entity.js';

/**
 * A stored reading. Unique per device and `seq` (the primary key), so a resend is stored once.
 * Written by the ingest batcher with raw SQL; the entity describes the table for migrations and reads.
 */
@Entity('readings')
@Index('ix_readings_session_recorded', ['sessionId', 'recordedAt'])
export class ReadingRow {
  @PrimaryColumn({ type: 'uuid' })
  deviceId: string;

  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @ManyToOne(() => Device, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'device_id' })
  device?: Relation<Device>;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'timestamptz' })
  recordedAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  @Column({ type: 'double precision', nullable: true })
  hr: number | null;

  @Column({ type: 'double precision', nullable: true })
  sbp: number | null;

  @Column({ type: 'double precision', nullable: true })
  dbp: number | null;

  @Column({ type: 'double precision', nullable: true })
  map: number | null;

  @Column({ type: 'double precision', nullable: true })
  spo2: number | null;

  @Column({ type: 'double precision', nullable: true })
  rr: number | null;

  @Column({ type: 'double precision', nullable: true })
  temp: number | null;
}
