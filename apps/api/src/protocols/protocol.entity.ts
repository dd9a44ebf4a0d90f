import type { ProtocolRules } from '#vitals';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One version of a reading protocol. Versions are never changed; a new version is a new row. */
@Entity('protocols')
@Unique('uq_protocols_key_version', ['key', 'version'])
export class Protocol {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  route: 'iv' | 'intranasal';

  @Column({ type: 'jsonb' })
  rules: ProtocolRules;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
