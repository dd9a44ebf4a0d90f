import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { logger } from '../common/logger.js';
import { hashPassword } from './passwords.js';

/** On an empty database, creates the first admin (from ADMIN_USERNAME / ADMIN_PASSWORD, or a generated password shown once). */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const [{ count }] = (await this.dataSource.query('SELECT count(*)::int AS count FROM users')) as [
      { count: number },
    ];
    if (count > 0) return;
    const password = this.config.adminPassword ?? randomBytes(12).toString('base64url');
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO users (username, display_name, role, password_hash)
       SELECT $1, 'Administrator', 'admin', $2 WHERE NOT EXISTS (SELECT 1 FROM users)
       RETURNING id`,
      [this.config.adminUsername.toLowerCase(), await hashPassword(password)],
    );
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
