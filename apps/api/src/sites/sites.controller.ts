import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { SiteView } from '#contracts';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { toSiteView } from './site-view.js';
import { CreateSiteDto, UpdateSiteDto } from './sites.dto.js';
import { SitesService } from './sites.service.js';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @Roles('admin')
  @Post()
  async create(@Body() dto: CreateSiteDto, @Audit() context: AuditContext): Promise<SiteView> {
    return toSiteView(await this.sites.create(dto, context));
  }

  @Roles('admin')
  @Patch(':id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSiteDto,
    @Audit() context: AuditContext,
  ): Promise<SiteView> {
    return toSiteView(await this.sites.update(id, dto, context));
  }

  /** Admins see every site; staff see their own. */
  @Get()
  async list(@CurrentUser() user: AuthUser): Promise<SiteView[]> {
    return (await this.sites.list(user)).map(toSiteView);
  }
}
