import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Session } from '../sessions/session.entity.js';

/**
 * Which instance runs a session's detection engine, until when, and under which epoch. The epoch
 * grows with every change of owner and is the fencing token: the engine's writes carry it and are
 * refused once another instance has taken over (see EngineLeases).
 */
@Entity('engine_leases')
export class EngineLeaseRow {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @OneToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'text' })
  owner: string;

  @Column({ type: 'bigint' })
  epoch: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
