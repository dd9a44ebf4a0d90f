import { Body, Controller, Get, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsTimeZone, Length } from 'class-validator';
import { In, Repository } from 'typeorm';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { Site } from './site.entity.js';

export class CreateSiteDto {
  @ApiProperty({ example: 'Northside Clinic' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiPropertyOptional({ example: 'Europe/London' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('sites')
export class SitesController {
  constructor(
    @InjectRepository(Site) private readonly sites: Repository<Site>,
    private readonly audit: AuditService,
  ) {}

  @Roles('admin')
  @Post()
  async create(@Body() dto: CreateSiteDto, @Audit() context: AuditContext): Promise<Site> {
    if (await this.sites.existsBy({ name: dto.name })) throw new DomainError('conflict', `site "${dto.name}" exists`);
    return this.audit.transaction(context, async (manager) => {
      const site = await manager.save(manager.create(Site, { name: dto.name, timezone: dto.timezone ?? 'UTC' }));
      return {
        result: site,
        audit: { action: 'site.create', entityType: 'site', entityId: site.id, siteId: site.id, after: site },
      };
    });
  }

  /** Admins see every site; staff see their own. */
  @Get()
  list(@CurrentUser() user: AuthUser): Promise<Site[]> {
    const where = user.role === 'admin' ? {} : { id: In(user.siteIds) };
    return this.sites.find({ where, order: { name: 'ASC' } });
  }
}
