import type { EngineSnapshot } from '#vitals';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Session } from '../sessions/session.entity.js';

/**
 * The detection engine's state of a session, saved after alert changes, staff actions and every
 * few seconds. A restart restores it and replays the readings stored after it.
 */
@Entity('session_engine_states')
export class EngineStateRow {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @OneToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'jsonb' })
  state: EngineSnapshot;

  /** The engine lease's epoch it was written under (null: a single instance, no lease). */
  @Column({ type: 'bigint', nullable: true })
  epoch: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
