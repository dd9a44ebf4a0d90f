import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { AlertView } from './alert-view.js';
import { AlertsService } from './alerts.service.js';

export class AcknowledgeDto {
  @ApiPropertyOptional({ example: 'Patient anxious; rechecked manually 148/92' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

@ApiTags('alerts')
@ApiBearerAuth()
@Roles('nurse', 'clinician')
@Controller()
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly sessions: SessionsService,
  ) {}

  /** Every alert of the session, oldest first, with how long each episode lasted. */
  @Get('sessions/:id/alerts')
  async list(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<AlertView[]> {
    const session = await this.sessions.get(id, user);
    await this.sessions.recordRead(context, 'alerts.read', session);
    return this.alerts.listForSession(id);
  }

  /** `active` → `acknowledged`; a latched (`cleared`) high alert → `resolved`. 409 when already acknowledged or resolved. */
  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  acknowledge(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AcknowledgeDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<AlertView> {
    return this.alerts.acknowledge(id, user, context, dto.note?.trim() || null);
  }
}
