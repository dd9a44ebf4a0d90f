import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { logger } from '../common/logger.js';
import { hashPassword } from '../users/passwords.js';

/** On an empty database, creates the first admin (from ADMIN_USERNAME / ADMIN_PASSWORD, or a generated password shown once). */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  private done: Promise<void> | null = null;

  onApplicationBootstrap(): Promise<void> {
    return this.ensure();
  }

  /** Creates the first admin if there is no user yet; resolves when that is settled (once per process). */
  ensure(): Promise<void> {
    this.done ??= this.createFirstAdmin();
    return this.done;
  }

  private async createFirstAdmin(): Promise<void> {
    const [{ count }] = (await this.dataSource.query('SELECT count(*)::int AS count FROM users')) as [
      { count: number },
    ];
    if (count > 0) return;
    const password = this.config.adminPassword ?? randomBytes(12).toString('base64url');
    const inserted = await this.dataSource.transaction(async (manager) => {
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO users (username, display_name, role, password_hash)
         SELECT $1, 'Administrator', 'admin', $2 WHERE NOT EXISTS (SELECT 1 FROM users)
         RETURNING id`,
        [this.config.adminUsername.toLowerCase(), await hashPassword(password)],
      );
      const id = rows[0]?.id;
      if (id) {
        const after = { id, username: this.config.adminUsername.toLowerCase(), role: 'admin', siteIds: [] };
        await this.audit.record(manager, SYSTEM, {
          action: 'user.create',
          entityType: 'user',
          entityId: id,
          after,
          details: { bootstrap: true },
        });
      }
      return rows;
    });
    if (inserted.length === 0) return;
    logger.info({ username: this.config.adminUsername }, 'created the first admin account');
    if (!this.config.adminPassword) {
      // Printed once, straight to the console and never into the structured log.
      process.stdout.write(
        `\n  First admin account created.\n    username: ${this.config.adminUsername}\n    password: ${password}\n  Keep it safe: it is not shown again.\n\n`,
      );
    }
  }
}
