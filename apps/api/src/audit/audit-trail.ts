import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditPage, AuditRecord, AuditVerification } from '#contracts';
import type { AuditFilterQuery } from './audit.dto.js';

export type { AuditRecord };

export const AUDIT_COLUMNS = [
  'seq',
  'id',
  'at',
  'actorType',
  'actorId',
  'actorName',
  'role',
  'action',
  'entityType',
  'entityId',
  'siteId',
  'sourceIp',
  'correlationId',
  'before',
  'after',
  'details',
  'prevHash',
  'hash',
] as const;

const SELECT = `SELECT seq::text, id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "at",
  actor_type AS "actorType", actor_id AS "actorId", actor_name AS "actorName", role, action,
  entity_type AS "entityType", entity_id AS "entityId", site_id AS "siteId", source_ip AS "sourceIp",
  correlation_id AS "correlationId", before, after, details, prev_hash AS "prevHash", hash FROM audit_events`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERIFY_BATCH = 5000;

/** Reads the audit trail: filtered pages, a streamed export, and the verification of the chain. */
@Injectable()
export class AuditTrail {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private where(filter: AuditFilterQuery, params: unknown[]): string[] {
    const clauses: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      clauses.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actor) add(UUID.test(filter.actor) ? 'actor_id = ?::uuid' : 'actor_name = ?', filter.actor);
    if (filter.action?.endsWith('*')) add("action LIKE ? || '%'", filter.action.slice(0, -1));
    else if (filter.action) add('action = ?', filter.action);
    if (filter.entityType) add('entity_type = ?', filter.entityType);
    if (filter.entityId) add('entity_id = ?', filter.entityId);
    if (filter.siteId) add('site_id = ?::uuid', filter.siteId);
    if (filter.from) add('at >= ?::timestamptz', filter.from);
    if (filter.to) add('at <= ?::timestamptz', filter.to);
    return clauses;
  }

  /** Newest first; `nextCursor` continues with older events. */
  async page(filter: AuditFilterQuery, cursor: string | undefined, limit: number): Promise<AuditPage> {
    const params: unknown[] = [];
    const clauses = this.where(filter, params);
    if (cursor) {
      params.push(cursor);
      clauses.push(`seq < $${params.length}::bigint`);
    }
    params.push(limit + 1);
    const rows: AuditRecord[] = await this.dataSource.query(
      `${SELECT} ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY audit_events.seq DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items.at(-1)!.seq : null };
  }

  /** Oldest first, in pages by `seq`, so memory stays flat however long the trail is. */
  async *stream(filter: AuditFilterQuery): AsyncGenerator<AuditRecord[]> {
    let after = '0';
    for (;;) {
      const params: unknown[] = [];
      const clauses = this.where(filter, params);
      params.push(after);
      clauses.push(`seq > $${params.length}::bigint`);
      const rows: AuditRecord[] = await this.dataSource.query(
        `${SELECT} WHERE ${clauses.join(' AND ')} ORDER BY audit_events.seq LIMIT 2000`,
        params,
      );
      if (rows.length === 0) return;
      yield rows;
      after = rows.at(-1)!.seq;
    }
  }

  /**
   * Recomputes every event's hash with the database's own function, checks that each event names
   * the hash of the one before and that no `seq` is missing, and that the chain head matches the
   * last event. Names the first event that does not hold.
   */
  async verify(): Promise<AuditVerification> {
    let checked = 0;
    let previous = { seq: 0n, hash: '0'.repeat(64) };
    for (;;) {
      const rows: { seq: string; id: string; prev_hash: string; hash: string; expected: string }[] =
        await this.dataSource.query(
          `SELECT seq::text, id, prev_hash, hash, audit_event_hash(e) AS expected FROM audit_events e
          WHERE seq > $1::bigint ORDER BY e.seq LIMIT ${VERIFY_BATCH}`,
          [previous.seq.toString()],
        );
      for (const row of rows) {
        const problem =
          BigInt(row.seq) !== previous.seq + 1n
            ? `event ${previous.seq + 1n} is missing`
            : row.prev_hash !== previous.hash
              ? 'does not follow the event before it'
              : row.hash !== row.expected
                ? 'its content does not match its hash'
                : null;
        if (problem) return { ok: false, checked, firstBrokenId: row.id, firstBrokenSeq: row.seq, problem };
        checked++;
        previous = { seq: BigInt(row.seq), hash: row.hash };
      }
      if (rows.length < VERIFY_BATCH) break;
    }
    const [head] = (await this.dataSource.query('SELECT seq::text, hash FROM audit_chain_head WHERE id = 1')) as {
      seq: string;
      hash: string;
    }[];
    if (!head || BigInt(head.seq) !== previous.seq || head.hash !== previous.hash) {
      return {
        ok: false,
        checked,
        problem: 'the chain head does not match the last event (events were removed at the end)',
      };
    }
    return { ok: true, checked };
  }
}
