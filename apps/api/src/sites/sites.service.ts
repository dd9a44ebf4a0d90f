import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { Site } from './site.entity.js';
import type { CreateSiteDto, UpdateSiteDto } from './sites.dto.js';

/** The clinics: each session, device and staff member belongs to sites. Changes are audited. */
@Injectable()
export class SitesService {
  constructor(
    @InjectRepository(Site) private readonly sites: Repository<Site>,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateSiteDto, context: AuditContext): Promise<Site> {
    if (await this.sites.existsBy({ name: dto.name })) throw new DomainError('conflict', `site "${dto.name}" exists`);
    return this.audit.transaction(context, async (manager) => {
      const site = await manager.save(manager.create(Site, { name: dto.name, timezone: dto.timezone ?? 'UTC' }));
      return {
        result: site,
        audit: { action: 'site.create', entityType: 'site', entityId: site.id, siteId: site.id, after: site },
      };
    });
  }

  async update(id: string, dto: UpdateSiteDto, context: AuditContext): Promise<Site> {
    return this.audit.transaction(context, async (manager) => {
      const site = await manager.findOne(Site, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!site) throw DomainError.notFound('site');
      if (dto.name !== undefined && dto.name !== site.name && (await manager.existsBy(Site, { name: dto.name }))) {
        throw new DomainError('conflict', `site "${dto.name}" exists`);
      }
      const before = { ...site };
      if (dto.name !== undefined) site.name = dto.name;
      if (dto.timezone !== undefined) site.timezone = dto.timezone;
      const after = await manager.save(site);
      return {
        result: after,
        audit: { action: 'site.update', entityType: 'site', entityId: id, siteId: id, before, after },
      };
    });
  }

  /** Admins see every site; staff see their own. */
  list(user: AuthUser): Promise<Site[]> {
    const where = user.role === 'admin' ? {} : { id: In(user.siteIds) };
    return this.sites.find({ where, order: { name: 'ASC' } });
  }
}
