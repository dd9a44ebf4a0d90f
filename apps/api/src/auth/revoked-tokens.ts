import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { ANY_USER, UserChanges } from '../events/user-changes.js';
import { RevokedToken } from './revoked-token.entity.js';

/**
 * Access tokens signed out one by one (`POST /auth/logout`) before they expire. PostgreSQL holds the
 * list (so it survives a restart); each process keeps the ones not yet expired in memory, loaded at
 * start and kept up to date from UserChanges, so checking a token costs no query. Rows are deleted once
 * the token would have expired anyway.
 */
@Injectable()
export class RevokedTokens implements OnModuleInit, OnModuleDestroy {
  private readonly expiresAtMs = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(
    @InjectRepository(RevokedToken) private readonly rows: Repository<RevokedToken>,
    private readonly userChanges: UserChanges,
  ) {
    this.unsubscribe = userChanges.subscribe(({ userId, token }) => {
      if (token) this.remember(token.jti, token.expiresAtMs);
      // Sign-outs announced while Redis was away were missed: read them from the table again.
      if (userId === ANY_USER) this.load().catch(() => undefined);
    });
  }

  onModuleInit(): Promise<void> {
    return this.load();
  }

  private async load(): Promise<void> {
    const live = await this.rows.find({
      where: { expiresAt: MoreThan(new Date()) },
      select: { jti: true, expiresAt: true },
    });
    for (const row of live) this.remember(row.jti, row.expiresAt.getTime());
  }

  isRevoked(jti: string): boolean {
    return this.expiresAtMs.has(jti);
  }

  /** Signs one token out: stored, then published, so that every instance refuses it from now on. */
  async revoke(jti: string, userId: string, expiresAtMs: number): Promise<void> {
    await this.rows.upsert({ jti, userId, expiresAt: new Date(expiresAtMs) }, ['jti']);
    await this.rows.delete({ expiresAt: LessThan(new Date()) });
    this.userChanges.publish({ userId, reasons: ['token_revoked'], token: { jti, expiresAtMs } });
  }

  private remember(jti: string, expiresAtMs: number): void {
    const nowMs = Date.now();
    if (expiresAtMs <= nowMs) return;
    this.expiresAtMs.set(jti, expiresAtMs);
    if (this.expiresAtMs.size % 256 === 0) {
      for (const [key, at] of this.expiresAtMs) if (at <= nowMs) this.expiresAtMs.delete(key);
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
