import type { AlertSeverity, AlertState } from '#contracts';
import type { AlertEventType } from '#vitals';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { AlertRow } from './alert.entity.js';

/** Every change of every alert, in order: the alert's history. Stored once (rebuilds find the same rows). */
@Entity('alert_transitions')
@Unique('uq_alert_transitions_once', ['alertId', 'type', 'at'])
@Index('ix_alert_transitions_session', ['sessionId', 'at'])
export class AlertTransition {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  alertId: string;

  @ManyToOne(() => AlertRow, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'alert_id' })
  alert?: Relation<AlertRow>;

  @Column({ type: 'uuid' })
  sessionId: string;

  @Column({ type: 'varchar', length: 16 })
  type: AlertEventType;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 16 })
  state: AlertState;

  @Column({ type: 'varchar', length: 8 })
  severity: AlertSeverity;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'text' })
  message: string;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}
