import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { UserView } from '#contracts';
import { DataSource, type EntityManager, In, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { assertStrongPassword } from './common-passwords.js';
import { hashPassword } from './passwords.js';
import { DomainError } from '../common/domain-error.js';
import { type UserChangeReason, UserChanges } from '../events/user-changes.js';
import { Site } from '../sites/site.entity.js';
import type { CreateUserDto, UpdateUserDto } from './users.dto.js';
import { User } from './user.entity.js';

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    siteIds: (user.sites ?? []).map((site) => site.id).sort(),
    active: user.active,
  };
}

/** A user's row with the ids of their sites (sorted; empty for none), as raw SQL returns it. */
export interface UserWithSites {
  id: string;
  username: string;
  display_name: string;
  role: AuthUser['role'];
  active: boolean;
  token_version: number;
  site_ids: string[];
}

/** The query for the users matching `where` (on `u`, the users table), each with their sites. */
export const usersWithSites = (where: string): string =>
  `SELECT u.id, u.username, u.display_name, u.role, u.active, u.token_version,
          COALESCE(array_agg(us.site_id ORDER BY us.site_id) FILTER (WHERE us.site_id IS NOT NULL), '{}') AS site_ids
     FROM users u LEFT JOIN user_sites us ON us.user_id = u.id
    WHERE ${where}
    GROUP BY u.id`;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Site) private readonly sites: Repository<Site>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly changes: UserChanges,
  ) {}

  async create(dto: CreateUserDto, context: AuditContext): Promise<UserView> {
    assertStrongPassword(dto.password, dto.username);
    const sites = await this.findSites(dto.siteIds);
    if (await this.users.existsBy({ username: dto.username })) {
      throw new DomainError('conflict', `username "${dto.username}" is taken`);
    }
    const user = this.users.create({
      username: dto.username,
      displayName: dto.displayName,
      role: dto.role,
      passwordHash: await hashPassword(dto.password),
      active: true,
      sites,
    });
    return this.audit.transaction(context, async (manager) => {
      const after = toUserView(await manager.save(user));
      return { result: after, audit: { action: 'user.create', entityType: 'user', entityId: after.id, after } };
    });
  }

  async list(): Promise<UserView[]> {
    const users = await this.users.find({ relations: { sites: true }, order: { username: 'ASC' } });
    return users.map(toUserView);
  }

  async update(id: string, dto: UpdateUserDto, context: AuditContext): Promise<UserView> {
    let passwordHash: string | undefined;
    if (dto.password !== undefined) {
      const target = await this.users.findOneBy({ id });
      if (!target) throw DomainError.notFound('user');
      assertStrongPassword(dto.password, target.username);
      passwordHash = await hashPassword(dto.password);
    }
    const sites = dto.siteIds !== undefined ? await this.findSites(dto.siteIds) : undefined;
    let reasons: UserChangeReason[] = [];
    const result = await this.audit.transaction(context, async (manager) => {
      const user = await manager.findOne(User, { where: { id }, relations: { sites: true } });
      if (!user) throw DomainError.notFound('user');
      // Only ever incremented in SQL: saving the value read here could undo a concurrent sign-out everywhere.
      Reflect.deleteProperty(user, 'tokenVersion');
      const before = toUserView(user);
      const losesAdmin =
        user.role === 'admin' &&
        user.active &&
        (dto.active === false || (dto.role !== undefined && dto.role !== 'admin'));
      if (losesAdmin) await this.keepAnAdmin(manager, user);
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.active !== undefined) user.active = dto.active;
      if (dto.displayName !== undefined) user.displayName = dto.displayName;
      if (sites !== undefined) user.sites = sites;
      if (passwordHash !== undefined) user.passwordHash = passwordHash;
      const after = toUserView(await manager.save(user));
      reasons = changeReasons(before, after, passwordHash !== undefined);
      // A new password or a deactivation ends every token the user holds.
      if (reasons.includes('password_changed') || reasons.includes('deactivated')) {
        await manager.increment(User, { id }, 'tokenVersion', 1);
      }
      const details = dto.password !== undefined ? { passwordChanged: true } : null;
      return {
        result: after,
        audit: { action: 'user.update', entityType: 'user', entityId: id, before, after, details },
      };
    });
    this.changes.publish({ userId: id, reasons });
    return result;
  }

  /** The user's own new password (the old one was checked by the caller); ends every token they hold. */
  async changeOwnPassword(id: string, username: string, password: string, context: AuditContext): Promise<void> {
    assertStrongPassword(password, username);
    const passwordHash = await hashPassword(password);
    await this.audit.transaction(context, async (manager) => {
      await manager.update(User, { id }, { passwordHash });
      await manager.increment(User, { id }, 'tokenVersion', 1);
      return { result: null, audit: { action: 'user.password_change', entityType: 'user', entityId: id } };
    });
    this.changes.publish({ userId: id, reasons: ['password_changed'] });
  }

  /** Ends every access token of the user at once ("sign out everywhere"). */
  async signOutEverywhere(id: string, context: AuditContext): Promise<void> {
    await this.audit.transaction(context, async (manager) => {
      await manager.increment(User, { id }, 'tokenVersion', 1);
      return { result: null, audit: { action: 'auth.logout_all', entityType: 'user', entityId: id } };
    });
    this.changes.publish({ userId: id, reasons: ['signed_out_everywhere'] });
  }

  /**
   * Refuses to deactivate or demote the last active admin: no one could then manage users again.
   * The active admins' rows are locked first, so two admins demoting each other at once cannot both pass.
   */
  private async keepAnAdmin(manager: EntityManager, user: User): Promise<void> {
    const admins: { id: string }[] = await manager.query(
      `SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`,
    );
    if (admins.some((admin) => admin.id !== user.id)) return;
    throw new DomainError(
      'last_admin',
      `${user.displayName} is the last active admin; make another user an admin first`,
      { userId: user.id },
    );
  }

  findForLogin(username: string): Promise<User | null> {
    return this.users.findOne({ where: { username: username.toLowerCase() }, relations: { sites: true } });
  }

  /** The active user behind a token, with their sites and token version; `null` when unknown or deactivated. */
  async findAuthUser(id: string): Promise<{ user: AuthUser; tokenVersion: number } | null> {
    const rows: UserWithSites[] = await this.dataSource.query(usersWithSites('u.id = $1 AND u.active'), [id]);
    const row = rows[0];
    if (!row) return null;
    const user = {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      siteIds: row.site_ids,
    };
    return { user, tokenVersion: row.token_version };
  }

  async passwordHashOf(id: string): Promise<string | null> {
    const user = await this.users.findOne({ where: { id, active: true }, select: { id: true, passwordHash: true } });
    return user?.passwordHash ?? null;
  }

  private async findSites(ids: string[]): Promise<Site[]> {
    if (ids.length === 0) return [];
    const sites = await this.sites.findBy({ id: In(ids) });
    if (sites.length !== new Set(ids).size) {
      throw new DomainError('validation_failed', 'unknown site in siteIds', { field: 'siteIds' });
    }
    return sites;
  }
}

function changeReasons(before: UserView, after: UserView, passwordChanged: boolean): UserChangeReason[] {
  const reasons: UserChangeReason[] = [];
  if (before.active && !after.active) reasons.push('deactivated');
  if (passwordChanged) reasons.push('password_changed');
  if (before.role !== after.role) reasons.push('role_changed');
  if (before.siteIds.join() !== after.siteIds.join()) reasons.push('sites_changed');
  if (reasons.length === 0) reasons.push('updated');
  return reasons;
}
