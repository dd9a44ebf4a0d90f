import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { type SessionRecord, SessionStory } from './session-story.js';

/**
 * `GET /sessions/:id`: the session as its record, which combines what sessions/, alerts/ and
 * discharge/ hold. It lives here, above all three, so that sessions/ imports none of them.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Roles('nurse', 'clinician')
@Controller('sessions')
export class SessionRecordController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly story: SessionStory,
  ) {}

  /** The whole story: phases with times, baseline, alerts with durations, observations, checklist, signature, addenda. */
  @Get(':id')
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<SessionRecord> {
    const session = await this.sessions.get(id, user);
    await this.sessions.recordRead(context, 'session.read', session);
    return this.story.of(session);
  }
}
