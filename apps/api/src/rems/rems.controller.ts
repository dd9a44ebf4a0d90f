import { Controller, Get, Header, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import type { RemsForm } from './rems-form.js';
import { remsPage } from './rems-page.js';
import { RemsService } from './rems.service.js';

/** The esketamine REMS Patient Monitoring Form beside the session record: printable HTML, or JSON. */
@ApiTags('recovery and discharge')
@ApiBearerAuth()
@Roles('nurse', 'clinician')
@Controller('sessions/:id')
export class RemsController {
  constructor(private readonly rems: RemsService) {}

  @Get('rems-form.json')
  @Header('Cache-Control', 'no-store')
  json(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<RemsForm> {
    return this.rems.form(id, user, context);
  }

  /** HTML, unless the client asks for JSON (`Accept: application/json`). */
  @Get('rems-form')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html', 'application/json')
  async page(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RemsForm | string> {
    const form = await this.rems.form(id, user, context);
    if (request.accepts(['text/html', 'application/json']) === 'application/json') return form;
    response.type('text/html; charset=utf-8');
    return remsPage(form);
  }
}
