import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { Clock } from '../common/clock.js';
import { ReadingsService } from '../readings/readings.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { recordPage } from './record-page.js';
import { AddendumDto, ChecklistDto, ObservationDto, SignOffDto } from './discharge.dto.js';
import { DischargeService } from './discharge.service.js';
import { SessionStory } from './session-story.js';

@ApiTags('recovery and discharge')
@ApiBearerAuth()
@Roles('nurse', 'clinician')
@Controller('sessions/:id')
export class DischargeController {
  constructor(
    private readonly discharge: DischargeService,
    private readonly sessions: SessionsService,
    private readonly story: SessionStory,
    private readonly readings: ReadingsService,
    private readonly clock: Clock,
  ) {}

  @Post('recovery-observations')
  observe(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ObservationDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ) {
    return this.discharge.addObservation(id, user, context, dto);
  }

  @Put('discharge-checklist')
  checklist(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChecklistDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ) {
    return this.discharge.putChecklist(id, user, context, dto);
  }

  @Get('discharge-readiness')
  async readiness(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ) {
    const readiness = await this.discharge.readiness(id, user);
    await this.sessions.recordRead(context, 'readiness.read', await this.sessions.get(id, user));
    return readiness;
  }

  /** Clinicians only: the password again, and an override reason when a criterion is not met. */
  @Roles('clinician')
  @Post('discharge-signoff')
  signOff(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SignOffDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ) {
    return this.discharge.signOff(id, user, context, dto);
  }

  @Post('addenda')
  addendum(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddendumDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ) {
    return this.discharge.addAddendum(id, user, context, dto);
  }

  /** The whole record as a printable HTML page, the vitals trend drawn, the signature at its foot. */
  @Get('record')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @HttpCode(200)
  async record(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<string> {
    const session = await this.sessions.get(id, user);
    const [story, trend] = await Promise.all([this.story.of(session), this.readings.trend(id, { maxPoints: 1500 })]);
    await this.sessions.recordRead(context, 'record.read', session);
    return recordPage(story, trend.readings, {
      printedBy: user.displayName,
      printedAt: this.clock.now().toISOString(),
    });
  }
}
