import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { SeriesService } from './series.service.js';

export class SeriesQuery {
  @ApiProperty({ format: 'uuid', description: 'The site whose patient this is (patient references are per site)' })
  @IsUUID()
  siteId: string;
}

@ApiTags('sessions')
@ApiBearerAuth()
@Roles('nurse', 'clinician')
@Controller('patients')
export class SeriesController {
  constructor(private readonly series: SeriesService) {}

  /** The patient's infusions 1…n: dose, baseline, peak rises, alerts, recovery time, overrides. */
  @Get(':patientRef/series')
  get(
    @Param('patientRef') patientRef: string,
    @Query() query: SeriesQuery,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ) {
    if (patientRef.length < 1 || patientRef.length > 64)
      throw new DomainError('validation_failed', 'patientRef must be 1–64 characters');
    return this.series.series(query.siteId, patientRef, user, context);
  }
}
