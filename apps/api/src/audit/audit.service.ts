import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditContext } from './audit-context.js';

/** What happened, to what, in which site; `before`/`after` for changes, `details` for the rest. */
export interface AuditEntry {
  action: string;
  entityType?: string;
  entityId?: string | null;
  siteId?: string | null;
  before?: object | null;
  after?: object | null;
  details?: object | null;
}

const INSERT_SQL = `
  INSERT INTO audit_events (actor_type, actor_id, actor_name, role, action, entity_type, entity_id, site_id,
                            source_ip, correlation_id, before, after, details, prev_hash, hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', '')`;

// JSON round trip: Dates become ISO strings and undefined fields disappear, as they will be read back.
const json = (value: object | null | undefined): string | null => (value == null ? null : JSON.stringify(value));

/**
 * Writes audit events. `record` takes the transaction of the change it describes, so there is no
 * change without its event and no event without its change. The database chains and guards them.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, context: AuditContext, entry: AuditEntry): Promise<void> {
    const { actor } = context;
    await manager.query(INSERT_SQL, [
      actor.type,
      actor.id,
      actor.name,
      actor.role,
      entry.action,
      entry.entityType ?? null,
      entry.entityId ?? null,
      entry.siteId ?? null,
      context.ip,
      context.correlationId,
      json(entry.before),
      json(entry.after),
      json(entry.details),
    ]);
  }

  /** An event that describes no other write (a read, a login, a connection): its own transaction. */
  recordAlone(context: AuditContext, entry: AuditEntry): Promise<void> {
    return this.record(this.dataSource.manager, context, entry);
  }

  /** Runs `change` and records its event in the same transaction. */
  transaction<T>(
    context: AuditContext,
    change: (manager: EntityManager) => Promise<{ result: T; audit: AuditEntry | AuditEntry[] }>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const { result, audit } = await change(manager);
      for (const entry of Array.isArray(audit) ? audit : [audit]) await this.record(manager, context, entry);
      return result;
    });
  }
}
