import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsTimeZone, Length } from 'class-validator';
import { In, Repository } from 'typeorm';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
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

export class UpdateSiteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/London', description: 'IANA time zone; records print their times in it' })
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

  @Roles('admin')
  @Patch(':id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSiteDto,
    @Audit() context: AuditContext,
  ): Promise<Site> {
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
  @Get()
  list(@CurrentUser() user: AuthUser): Promise<Site[]> {
    const where = user.role === 'admin' ? {} : { id: In(user.siteIds) };
    return this.sites.find({ where, order: { name: 'ASC' } });
  }
}
