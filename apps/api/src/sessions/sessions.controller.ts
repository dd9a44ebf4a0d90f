import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CreatedSession, ReadingsPage } from '#contracts';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { ReadingsService } from '../readings/readings.service.js';
import { SeriesService } from '../series/series.service.js';
import { AbortDto, CreateSessionDto, InfusionStartDto, ListSessionsQuery, ReadingsQuery } from './sessions.dto.js';
import { type SessionView, toSessionView } from './session-view.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('sessions')
@ApiBearerAuth()
@Roles('nurse', 'clinician')
@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly readings: ReadingsService,
    private readonly series: SeriesService,
  ) {}

  @Post()
  async create(
    @Body() dto: CreateSessionDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<CreatedSession> {
    const created = await this.sessions.create(dto, user, context);
    // One of the patient's first three infusions, or an earlier one had a high bp_rise: say so now.
    return { ...toSessionView(created), seriesNote: await this.series.noteFor(created) };
  }

  @Get()
  async list(
    @Query() query: ListSessionsQuery,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<SessionView[]> {
    const found = await this.sessions.list(user, query);
    await this.sessions.recordRead(context, 'session.list', null, { query, sessionIds: found.map((s) => s.id) });
    return found.map(toSessionView);
  }

  @Post(':id/infusion-start')
  @HttpCode(200)
  async startInfusion(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: InfusionStartDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<SessionView> {
    return toSessionView(await this.sessions.startInfusion(id, user, context, dto.overrideReason));
  }

  @Post(':id/infusion-end')
  @HttpCode(200)
  async endInfusion(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<SessionView> {
    return toSessionView(await this.sessions.transition(id, user, context, 'infusion-end'));
  }

  @Post(':id/abort')
  @HttpCode(200)
  async abort(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AbortDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<SessionView> {
    return toSessionView(await this.sessions.transition(id, user, context, 'abort', { abortReason: dto.reason }));
  }

  @Get(':id/readings')
  async trend(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ReadingsQuery,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<ReadingsPage> {
    const session = await this.sessions.get(id, user);
    const trend = await this.readings.trend(id, { from: query.from, to: query.to, maxPoints: query.maxPoints ?? 1000 });
    await this.sessions.recordRead(context, 'readings.read', session, {
      from: query.from ?? null,
      to: query.to ?? null,
      points: trend.readings.length,
    });
    return trend;
  }
}
