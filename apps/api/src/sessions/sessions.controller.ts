import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ReadingsService } from '../readings/readings.service.js';
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
  ) {}

  @Post()
  async create(@Body() dto: CreateSessionDto, @CurrentUser() user: AuthUser): Promise<SessionView> {
    return toSessionView(await this.sessions.create(dto, user));
  }

  @Get()
  async list(@Query() query: ListSessionsQuery, @CurrentUser() user: AuthUser): Promise<SessionView[]> {
    return (await this.sessions.list(user, query)).map(toSessionView);
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<SessionView> {
    return toSessionView(await this.sessions.get(id, user));
  }

  @Post(':id/infusion-start')
  @HttpCode(200)
  async startInfusion(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: InfusionStartDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SessionView> {
    return toSessionView(await this.sessions.startInfusion(id, user, dto.overrideReason));
  }

  @Post(':id/infusion-end')
  @HttpCode(200)
  async endInfusion(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<SessionView> {
    return toSessionView(await this.sessions.transition(id, user, 'infusion-end'));
  }

  @Post(':id/abort')
  @HttpCode(200)
  async abort(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AbortDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SessionView> {
    return toSessionView(await this.sessions.transition(id, user, 'abort', { abortReason: dto.reason }));
  }

  @Get(':id/readings')
  async trend(@Param('id', ParseUUIDPipe) id: string, @Query() query: ReadingsQuery, @CurrentUser() user: AuthUser) {
    await this.sessions.get(id, user);
    return this.readings.trend(id, { from: query.from, to: query.to, maxPoints: query.maxPoints ?? 1000 });
  }
}
