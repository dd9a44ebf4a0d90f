import type { AlertKind, AlertSeverity, AlertState } from '#contracts';
import type { AlertValues, BaselineValues } from '#vitals';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { Session } from '../sessions/session.entity.js';

/**
 * One alert: one episode of one kind in one session, as it stands now. Its id is derived from the
 * session and the engine's deterministic id, so rebuilding a session's alerts after a restart finds
 * the same rows instead of raising them again.
 */
@Entity('alerts')
@Unique('uq_alerts_session_engine_id', ['sessionId', 'engineId'])
@Index('ix_alerts_session_opened', ['sessionId', 'openedAt'])
export class AlertRow {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'uuid' })
  siteId: string;

  @Column({ type: 'text' })
  engineId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: AlertKind;

  @Column({ type: 'varchar', length: 8 })
  severity: AlertSeverity;

  @Column({ type: 'varchar', length: 16 })
  state: AlertState;

  @Column({ type: 'timestamptz' })
  openedAt: Date;

  @Column({ type: 'timestamptz' })
  lastChangedAt: Date;

  @Column({ type: 'jsonb', nullable: true })
  baseline: BaselineValues | null;

  @Column({ type: 'jsonb' })
  trigger: AlertValues;

  @Column({ type: 'jsonb', nullable: true })
  upgradeTrigger: AlertValues | null;

  @Column({ type: 'jsonb', nullable: true })
  peak: AlertValues | null;

  @Column({ type: 'uuid', nullable: true })
  acknowledgedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  acknowledgementNote: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  escalatedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  remindedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  reminders: number;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'bigint', nullable: true })
  durationMs: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  clearedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'text' })
  message: string;
}
