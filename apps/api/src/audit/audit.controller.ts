import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuditPage, AuditVerification } from '#contracts';
import { Roles } from '../identity/decorators.js';
import { Audit, type AuditContext } from './audit-context.js';
import { streamRecords } from './audit-export.js';
import { AuditTrail } from './audit-trail.js';
import { AuditExportQuery, AuditListQuery } from './audit.dto.js';
import { AuditService } from './audit.service.js';

/** The audit trail, for admins. Reading, exporting and verifying it are audited too. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly trail: AuditTrail,
    private readonly audit: AuditService,
  ) {}

  @Get()
  async list(@Query() query: AuditListQuery, @Audit() context: AuditContext): Promise<AuditPage> {
    const { cursor, limit = 100, ...filter } = query;
    await this.audit.recordAlone(context, {
      action: 'audit.read',
      entityType: 'audit',
      details: { filter, cursor: cursor ?? null },
    });
    return this.trail.page(filter, cursor, limit);
  }

  /** Streams every matching event, oldest first (`format=csv` or `ndjson`), however many there are. */
  @Get('export')
  async export(
    @Query() query: AuditExportQuery,
    @Audit() context: AuditContext,
    @Res() response: Response,
  ): Promise<void> {
    const { format = 'ndjson', ...filter } = query;
    await this.audit.recordAlone(context, { action: 'audit.export', entityType: 'audit', details: { filter, format } });
    await streamRecords(response, format, this.trail.stream(filter));
  }

  @Get('verify')
  async verify(@Audit() context: AuditContext): Promise<AuditVerification> {
    const result = await this.trail.verify();
    await this.audit.recordAlone(context, { action: 'audit.verify', entityType: 'audit', details: result });
    return result;
  }
}
