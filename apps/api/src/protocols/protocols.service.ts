import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { validateProtocolRules } from '#vitals';
import { Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../identity/auth-user.js';
import { DomainError } from '../common/domain-error.js';
import { Protocol } from './protocol.entity.js';
import type { PublishProtocolDto } from './protocols.dto.js';

/** Treatment protocols: versions under a key, published by admins, never changed once published. */
@Injectable()
export class ProtocolsService {
  constructor(
    @InjectRepository(Protocol) private readonly protocols: Repository<Protocol>,
    private readonly audit: AuditService,
  ) {}

  /** Every version of every protocol, newest version first within a key. */
  list(): Promise<Protocol[]> {
    return this.protocols.find({ order: { key: 'ASC', version: 'DESC' } });
  }

  /** Publishes a new version; earlier versions stay, and sessions keep the version they started with. */
  async publish(dto: PublishProtocolDto, user: AuthUser, context: AuditContext): Promise<Protocol> {
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
