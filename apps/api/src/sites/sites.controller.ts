import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import type { Site } from './site.entity.js';
import { CreateSiteDto, UpdateSiteDto } from './sites.dto.js';
import { SitesService } from './sites.service.js';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @Roles('admin')
  @Post()
  create(@Body() dto: CreateSiteDto, @Audit() context: AuditContext): Promise<Site> {
    return this.sites.create(dto, context);
  }

  @Roles('admin')
  @Patch(':id')
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSiteDto,
    @Audit() context: AuditContext,
  ): Promise<Site> {
    return this.sites.update(id, dto, context);
  }

  /** Admins see every site; staff see their own. */
  @Get()
  list(@CurrentUser() user: AuthUser): Promise<Site[]> {
    return this.sites.list(user);
  }
}
