import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { UserView } from '#contracts';
import { DataSource, In, Repository } from 'typeorm';
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

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Site) private readonly sites: Repository<Site>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(dto: CreateUserDto): Promise<UserView> {
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
    return toUserView(await this.users.save(user));
  }

  async list(): Promise<UserView[]> {
    const users = await this.users.find({ relations: { sites: true }, order: { username: 'ASC' } });
    return users.map(toUserView);
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserView> {
    const user = await this.users.findOne({ where: { id }, relations: { sites: true } });
    if (!user) throw DomainError.notFound('user');
    if (dto.role !== undefined) user.role = dto.role;
    if (dto.active !== undefined) user.active = dto.active;
    if (dto.displayName !== undefined) user.displayName = dto.displayName;
    if (dto.siteIds !== undefined) user.sites = await this.findSites(dto.siteIds);
    if (dto.password !== undefined) user.passwordHash = await hashPassword(dto.password);
    return toUserView(await this.users.save(user));
  }

  findForLogin(username: string): Promise<User | null> {
    return this.users.findOne({ where: { username: username.toLowerCase() }, relations: { sites: true } });
  }

  /** The active user behind a token, with their sites; `null` when unknown or deactivated. */
  async findAuthUser(id: string): Promise<AuthUser | null> {
    const rows: { id: string; username: string; display_name: string; role: AuthUser['role']; site_ids: string[] }[] =
      await this.dataSource.query(
        `SELECT u.id, u.username, u.display_name, u.role,
                COALESCE(array_agg(us.site_id ORDER BY us.site_id) FILTER (WHERE us.site_id IS NOT NULL), '{}') AS site_ids
           FROM users u LEFT JOIN user_sites us ON us.user_id = u.id
          WHERE u.id = $1 AND u.active
          GROUP BY u.id`,
        [id],
      );
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
