import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { validateProtocolRules, type ProtocolRules } from '#vitals';
import { IsIn, IsObject, IsString, Length, Matches } from 'class-validator';
import { Repository } from 'typeorm';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { Protocol } from './protocol.entity.js';

export class PublishProtocolDto {
  @ApiProperty({ description: 'Stable key of the protocol; a new version is added under it', example: 'iv-ketamine' })
  @IsString()
  @Matches(/^[a-z0-9-]{2,64}$/)
  key: string;

  @ApiProperty({ example: 'IV ketamine 0.5 mg/kg over 40 min' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ['iv', 'intranasal'] })
  @IsIn(['iv', 'intranasal'])
  route: 'iv' | 'intranasal';

  @ApiProperty({ description: 'The clinical rules; see docs/clinical-rules.md', type: Object })
  @IsObject()
  rules: ProtocolRules;
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('protocols')
export class ProtocolsController {
  constructor(
    @InjectRepository(Protocol) private readonly protocols: Repository<Protocol>,
    private readonly audit: AuditService,
  ) {}

  /** Every version of every protocol, newest version first within a key. */
  @Get()
  list(): Promise<Protocol[]> {
    return this.protocols.find({ order: { key: 'ASC', version: 'DESC' } });
  }

  /** Publishes a new version; earlier versions stay, and sessions keep the version they started with. */
  @Roles('admin')
  @Post()
  async publish(
    @Body() dto: PublishProtocolDto,
    @CurrentUser() user: AuthUser,
    @Audit() context: AuditContext,
  ): Promise<Protocol> {
    const checked = validateProtocolRules(dto.rules);
    if (!checked.ok) throw new DomainError('validation_failed', checked.errors.join('; '), { errors: checked.errors });
    return this.protocols.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`protocol:${dto.key}`]);
      const [{ next }] = (await manager.query(
        'SELECT COALESCE(max(version), 0) + 1 AS next FROM protocols WHERE key = $1',
        [dto.key],
      )) as [{ next: number }];
      const protocol = manager.create(Protocol, {
        key: dto.key,
        version: next,
        name: dto.name,
        route: dto.route,
        rules: checked.rules,
        createdBy: user.id,
      });
      const saved = await manager.save(protocol);
      await this.audit.record(manager, context, {
        action: 'protocol.publish',
        entityType: 'protocol',
        entityId: saved.id,
        after: saved,
      });
      return saved;
    });
  }
}
