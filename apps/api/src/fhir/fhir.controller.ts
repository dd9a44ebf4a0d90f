import { Controller, Get, Header, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { FhirExport } from './fhir-export.js';
import type { Resource } from './vital-signs.js';

export class FhirQuery {
  @ApiPropertyOptional({
    minimum: 10,
    maximum: 100000,
    description: 'Downsample the readings (peaks kept); omitted: every reading',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(100000)
  maxPoints?: number;
}

@ApiTags('sessions')
@ApiBearerAuth()
@Roles('nurse', 'clinician')
@Controller('sessions')
export class FhirController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly fhir: FhirExport,
  ) {}

  /** The session as a FHIR R4 Bundle (type collection), for the clinic's EHR. Scoped and audited like the session. */
  @Get(':id/fhir')
  @Header('Content-Type', 'application/fhir+json; charset=utf-8')
  @ApiOkResponse({ description: 'FHIR R4 Bundle', content: { 'application/fhir+json': {} } })
  async bundle(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: FhirQuery,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<Resource> {
    const session = await this.sessions.get(id, user);
    const { bundle, points } = await this.fhir.bundleOf(session, user, query.maxPoints);
    await this.sessions.recordRead(context, 'session.fhir.read', session, {
      maxPoints: query.maxPoints ?? null,
      points,
    });
    return bundle;
  }
}
