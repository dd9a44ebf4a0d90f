import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A stored reading. Unique per device and `seq` (the primary key), so a resend is stored once.
 * Written by the ingest batcher with raw SQL; the entity describes the table for migrations and reads.
 *
 * No foreign keys on purpose: this is the hot table (tens of thousands of rows a second), and a
 * foreign-key check locks the referenced session and device row for every inserted reading. The
 * writer takes both ids from a committed session binding, and sessions and devices are never deleted.
 */
@Entity('readings')
@Index('ix_readings_session_recorded', ['sessionId', 'recordedAt'])
export class ReadingRow {
  @PrimaryColumn({ type: 'uuid' })
  deviceId: string;

  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'uuid' })
  sessionId: string;

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
