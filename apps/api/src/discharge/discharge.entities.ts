import type { CriterionCode, Nausea } from '#vitals';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Session } from '../sessions/session.entity.js';

/** One recovery observation by a nurse or clinician. Never changed; a new one supersedes it. */
@Entity('recovery_observations')
@Index('ix_recovery_observations_session', ['sessionId', 'observedAt'])
export class RecoveryObservationRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'timestamptz' })
  observedAt: Date;

  // Each item is null when it was not assessed: nothing is stored that nobody entered.
  @Column({ type: 'smallint', nullable: true })
  moaas: number | null;

  @Column({ type: 'boolean', nullable: true })
  oriented: boolean | null;

  @Column({ type: 'boolean', nullable: true })
  steadyGait: boolean | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  nausea: Nausea | null;

  @Column({ type: 'smallint', nullable: true })
  pain: number | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** REMS assessments; null on observations made before they were asked. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  dissociation: Nausea | null;

  @Column({ type: 'boolean', nullable: true })
  respiratoryDepression: boolean | null;

  @Column({ type: 'uuid' })
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}

/** The discharge-escort checklist of a session, as it stands. Its history is in the audit trail. */
@Entity('discharge_checklists')
export class DischargeChecklistRow {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @OneToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'text' })
  escortName: string;

  @Column({ type: 'text' })
  escortRelationship: string;

  @Column({ type: 'text' })
  escortPhone: string;

  @Column({ type: 'timestamptz', nullable: true })
  escortPresentAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  escortConfirmedBy: string | null;

  @Column({ type: 'boolean' })
  noDrivingAcknowledged: boolean;

  @Column({ type: 'boolean' })
  instructionsGiven: boolean;

  @Column({ type: 'boolean' })
  belongingsReturned: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  followUpAt: Date | null;

  @Column({ type: 'uuid' })
  updatedBy: string;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A clinician's electronic signature of a session's discharge. One per session; it locks the record. */
@Entity('signatures')
export class SignatureRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_signatures_session', { unique: true })
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'uuid' })
  signedBy: string;

  @Column({ type: 'text' })
  signedByName: string;

  @Column({ type: 'timestamptz' })
  signedAt: Date;

  /** A code of SIGN_OFF_MEANINGS (free text on signatures made before the list existed). */
  @Column({ type: 'text' })
  meaning: string;

  /** The words the clinician confirmed: name, patient, time, meaning, unmet criteria, reason. */
  @Column({ type: 'text', nullable: true })
  statement: string | null;

  @Column({ type: 'text', nullable: true })
  overrideReason: string | null;

  @Column({ type: 'jsonb' })
  unmetCriteria: CriterionCode[];

  @Column({ type: 'char', length: 64 })
  recordHash: string;

  /** Exactly what was signed (the hash is SHA-256 of its canonical JSON), kept with the signature. */
  @Column({ type: 'jsonb' })
  signedRecord: Record<string, unknown>;
}

/** A note added after sign-off, signed by its author. The signed record itself never changes. */
@Entity('addenda')
@Index('ix_addenda_session', ['sessionId', 'createdAt'])
export class AddendumRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'uuid' })
  authorId: string;

  @Column({ type: 'text' })
  authorName: string;

  @Column({ type: 'varchar', length: 16 })
  authorRole: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'char', length: 64 })
  textHash: string;
}
