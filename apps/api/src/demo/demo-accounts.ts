import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DEMO_ACCOUNTS, DEMO_SITE_NAME } from '#contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import { BootstrapAdmin } from '../auth/bootstrap-admin.js';
import { hashPassword } from '../users/passwords.js';
import { logger } from '../common/logger.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { UserChanges } from '../events/user-changes.js';
import { type UserWithSites, usersWithSites } from '../users/users.service.js';

/**
 * The demo's accounts exist only in demo mode. With DEMO=1 the service makes sure the demo site and
 * accounts exist, active, with their published passwords; without it, it deactivates any demo
 * account left in the database, so a database that once ran the demo has no known passwords.
 * Every change is audited as the system's.
 */
@Injectable()
export class DemoAccounts implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly bootstrapAdmin: BootstrapAdmin,
    private readonly userChanges: UserChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The real first admin comes first, so a database started in demo mode still has one.
    await this.bootstrapAdmin.ensure();
    if (this.config.demo) await this.enable();
    else await this.disable();
  }

  private async enable(): Promise<void> {
    const hashes = await Promise.all(DEMO_ACCOUNTS.map((account) => hashPassword(account.password)));
    const changed: string[] = [];
    await this.dataSource.transaction(async (manager) => {
      const siteId = await this.demoSite(manager);
      for (const [i, account] of DEMO_ACCOUNTS.entries()) {
        const before = await this.find(manager, account.username);
        const siteIds = account.role === 'admin' ? [] : [siteId];
        const rows: { id: string }[] = await manager.query(
          `INSERT INTO users (username, display_name, role, password_hash, active, demo)
           VALUES ($1, $2, $3, $4, true, true)
           ON CONFLICT (username) DO UPDATE
             SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
                 password_hash = EXCLUDED.password_hash, active = true, updated_at = now()
             WHERE users.demo
           RETURNING id`,
          [account.username, account.displayName, account.role, hashes[i]],
        );
        const id = rows[0]?.id;
        // A real account that happens to hold the name is left alone.
        if (!id) continue;
        changed.push(id);
        await manager.query(`DELETE FROM user_sites WHERE user_id = $1`, [id]);
        for (const site of siteIds)
          await manager.query(`INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)`, [id, site]);
        const after = { id, username: account.username, role: account.role, siteIds, active: true };
        const unchanged = before?.active && before.role === account.role && before.site_ids.join() === siteIds.join();
        if (unchanged) continue;
        await this.audit.record(manager, SYSTEM, {
          action: before ? 'user.update' : 'user.create',
          entityType: 'user',
          entityId: id,
          before: before
            ? { id, username: before.username, role: before.role, siteIds: before.site_ids, active: before.active }
            : null,
          after,
          details: { demo: true },
        });
      }
    });
    // Other instances on the same database drop what they knew of these users.
    for (const userId of changed) this.userChanges.publish({ userId, reasons: ['updated'] });
    logger.info({ accounts: DEMO_ACCOUNTS.map((a) => a.username) }, 'demo mode: demo accounts are active');
  }

  private async disable(): Promise<void> {
    const deactivated = await this.dataSource.transaction(async (manager) => {
      const rows: { id: string; username: string }[] = await manager.query(
        `SELECT id, username FROM users WHERE demo AND active ORDER BY username FOR UPDATE`,
      );
      if (rows.length === 0) return rows;
      await manager.query(
        `UPDATE users SET active = false, token_version = token_version + 1, updated_at = now() WHERE id = ANY($1)`,
        [rows.map((row) => row.id)],
      );
      for (const row of rows) {
        await this.audit.record(manager, SYSTEM, {
          action: 'user.update',
          entityType: 'user',
          entityId: row.id,
          before: { id: row.id, username: row.username, active: true },
          after: { id: row.id, username: row.username, active: false },
          details: { demo: true, reason: 'the service runs without DEMO=1' },
        });
      }
      return rows;
    });
    for (const row of deactivated) this.userChanges.publish({ userId: row.id, reasons: ['deactivated'] });
    if (deactivated.length > 0)
      logger.warn({ accounts: deactivated.map((r) => r.username) }, 'demo accounts deactivated (not in demo mode)');
  }

  private async demoSite(manager: EntityManager): Promise<string> {
    const existing: { id: string }[] = await manager.query(`SELECT id FROM sites WHERE name = $1`, [DEMO_SITE_NAME]);
    if (existing[0]) return existing[0].id;
    const [site] = (await manager.query(`INSERT INTO sites (name) VALUES ($1) RETURNING id, name, timezone`, [
      DEMO_SITE_NAME,
    ])) as { id: string; name: string; timezone: string }[];
    await this.audit.record(manager, SYSTEM, {
      action: 'site.create',
      entityType: 'site',
      entityId: site!.id,
      siteId: site!.id,
      after: site,
      details: { demo: true },
    });
    return site!.id;
  }

  private async find(manager: EntityManager, username: string): Promise<UserWithSites | null> {
    const rows: UserWithSites[] = await manager.query(usersWithSites('u.username = $1 AND u.demo'), [username]);
    return rows[0] ?? null;
  }
}
