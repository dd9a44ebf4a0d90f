import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsUUID } from 'class-validator';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { AlarmBurdenService } from './alarm-burden.service.js';

export class AlarmBurdenQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  siteId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One protocol version; all when left out' })
  @IsOptional()
  @IsUUID()
  protocolId?: string;

  @ApiProperty({ format: 'date-time', description: 'Sessions dosed from (inclusive)' })
  @IsDateString({ strict: true })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'Sessions dosed until (exclusive)' })
  @IsDateString({ strict: true })
  to: string;
}

@ApiTags('reports')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('reports')
export class AlarmBurdenController {
  constructor(private readonly burden: AlarmBurdenService) {}

  /** Alerts per session, escalations, time to acknowledge, and a plain threshold monitor on the same readings. */
  @Get('alarm-burden')
  get(@Query() query: AlarmBurdenQuery, @CurrentUser() user: AuthUser, @Audit() context: AuditContext) {
    return this.burden.report(query, user, context);
  }
}
