import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { Device } from '../devices/device.entity.js';

/**
 * Each HL7 message filed from a source: its control id (MSH-10), what it carried, and the device
 * `seq`s its readings were given. A resend finds its row and files the same readings under the same
 * `seq`s, so it is stored once, before or after a restart.
 */
@Entity('hl7_messages')
@Unique('uq_hl7_messages_first_seq', ['deviceId', 'firstSeq'])
export class Hl7MessageRow {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_hl7_messages' })
  deviceId: string;

  @ManyToOne(() => Device, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'device_id', foreignKeyConstraintName: 'FK_hl7_messages_device' })
  device?: Relation<Device>;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_hl7_messages' })
  controlId: string;

  /** SHA-256 of the readings the message carried (after mapping), to tell a resend from a reused id. */
  @Column({ type: 'char', length: 64 })
  contentHash: string;

  @Column({ type: 'bigint' })
  firstSeq: string;

  @Column({ type: 'integer' })
  readingCount: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
