import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An access token signed out before it expired (`POST /auth/logout`); kept until it would have expired. */
@Entity('revoked_tokens')
export class RevokedToken {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_revoked_tokens_jti' })
  jti: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Index('IDX_revoked_tokens_expires_at')
  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
