import type { Role } from '#contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinTable,
  ManyToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Site } from '../sites/site.entity.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  username: string;

  @Column({ type: 'text' })
  displayName: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'text' })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Carried by every access token; bumping it ends all of the user's tokens at once. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  /** One of the demo's accounts: active only while the service runs with DEMO=1. */
  @Column({ type: 'boolean', default: false })
  demo: boolean;

  @ManyToMany(() => Site, { eager: false })
  @JoinTable({
    name: 'user_sites',
    joinColumn: { name: 'user_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'site_id', referencedColumnName: 'id' },
  })
  sites: Relation<Site>[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
