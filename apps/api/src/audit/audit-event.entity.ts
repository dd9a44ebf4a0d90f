import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';

/**
 * One entry of the audit trail. Written only by `AuditService.record` inside the transaction of the
 * change it describes. The database assigns `seq`, `prevHash` and `hash` (trigger `audit_events_chain`)
 * and refuses UPDATE, DELETE and TRUNCATE on the table.
 */
@Entity('audit_events')
@Index('ix_audit_events_at', ['at'])
@Index('ix_audit_events_actor', ['actorId', 'seq'])
@Index('ix_audit_events_entity', ['entityType', 'entityId', 'seq'])
@Index('ix_audit_events_site', ['siteId', 'seq'])
@Index('ix_audit_events_action', ['action', 'seq'])
export class AuditEvent {
  /** Position in the chain (1, 2, 3, …): assigned by the database, gap-free. */
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Index('uq_audit_events_id', { unique: true })
  @Column({ type: 'uuid' })
  @Generated('uuid')
  id: string;

  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  at: Date;

  @Column({ type: 'varchar', length: 16 })
  actorType: 'user' | 'device' | 'system' | 'anonymous';

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  actorName: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  role: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text', nullable: true })
  entityType: string | null;

  @Column({ type: 'text', nullable: true })
  entityId: string | null;

  @Column({ type: 'uuid', nullable: true })
  siteId: string | null;

  @Column({ type: 'text', nullable: true })
  sourceIp: string | null;

  @Column({ type: 'text', nullable: true })
  correlationId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @Column({ type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}

/** The end of the chain: the last `seq` and its hash. One row, updated by the chain trigger only. */
@Entity('audit_chain_head')
export class AuditChainHead {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'bigint' })
  seq: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}
