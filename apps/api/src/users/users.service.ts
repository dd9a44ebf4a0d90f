import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { UserView } from '#contracts';
import { DataSource, type EntityManager, In, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { hashPassword } from '../auth/passwords.js';
import { DomainError } from '../common/domain-error.js';
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
  site_ids: string[];
}

/** The query for the users matching `where` (on `u`, the users table), each with their sites. */
export const usersWithSites = (where: string): string =>
  `SELECT u.id, u.username, u.display_name, u.role, u.active,
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
  ) {}

  async create(dto: CreateUserDto, context: AuditContext): Promise<UserView> {
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
    const sites = dto.siteIds !== undefined ? await this.findSites(dto.siteIds) : undefined;
    const passwordHash = dto.password !== undefined ? await hashPassword(dto.password) : undefined;
    return this.audit.transaction(context, async (manager) => {
      const user = await manager.findOne(User, { where: { id }, relations: { sites: true } });
      if (!user) throw DomainError.notFound('user');
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
      const details = dto.password !== undefined ? { passwordChanged: true } : null;
      return {
        result: after,
        audit: { action: 'user.update', entityType: 'user', entityId: id, before, after, details },
      };
    });
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

  /** The active user behind a token, with their sites; `null` when unknown or deactivated. */
  async findAuthUser(id: string): Promise<AuthUser | null> {
    const rows: UserWithSites[] = await this.dataSource.query(usersWithSites('u.id = $1 AND u.active'), [id]);
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, siteIds: row.site_ids };
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
