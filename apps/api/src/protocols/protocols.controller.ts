import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ProtocolRules } from '#vitals';
import type { ProtocolView } from '#contracts';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { toProtocolView } from './protocol-view.js';
import { PublishProtocolDto } from './protocols.dto.js';
import { ProtocolsService } from './protocols.service.js';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('protocols')
export class ProtocolsController {
  constructor(private readonly protocols: ProtocolsService) {}

  /** Every version of every protocol, newest version first within a key. */
  @Get()
  async list(): Promise<ProtocolView<ProtocolRules>[]> {
    return (await this.protocols.list()).map(toProtocolView);
  }

  /** Publishes a new version; earlier versions stay, and sessions keep the version they started with. */
  @Roles('admin')
  @Post()
  async publish(
    @Body() dto: PublishProtocolDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<ProtocolView<ProtocolRules>> {
    return toProtocolView(await this.protocols.publish(dto, user, context));
  }
}
