import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: an append-only table whose rows form a hash chain. The database itself assigns
 * each event its place in the chain (under a row lock on the chain head, so chain order is commit
 * order) and refuses UPDATE, DELETE and TRUNCATE, so neither a bug nor a direct SQL session can
 * rewrite history; `GET /audit/verify` recomputes the chain with the same hash function.
 */
const HASH_FUNCTION = `
CREATE FUNCTION audit_event_hash(e audit_events) RETURNS character(64) LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\\x1f',
    e.prev_hash, e.seq::text, e.id::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_type, coalesce(e.actor_id::text, ''), coalesce(e.actor_name, ''), coalesce(e.role, ''),
    e.action, coalesce(e.entity_type, ''), coalesce(e.entity_id, ''), coalesce(e.site_id::text, ''),
    coalesce(e.source_ip, ''), coalesce(e.correlation_id, ''),
    coalesce(e.before::text, ''), coalesce(e.after::text, ''), coalesce(e.details::text, '')), 'UTF8')), 'hex')
$$`;

const CHAIN_TRIGGER = `
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
BEGIN
  SELECT * INTO head FROM audit_chain_head WHERE id = 1 FOR UPDATE;
  NEW.seq := head.seq + 1;
  NEW.at := clock_timestamp();
  NEW.prev_hash := head.hash;
  NEW.hash := audit_event_hash(NEW);
  UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
  RETURN NEW;
END
$$`;

const APPEND_ONLY = `
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`;

export class AuditTrail1763900000000 implements MigrationInterface {
  name = 'AuditTrail1763900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("seq" bigint NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "actor_type" character varying(16) NOT NULL, "actor_id" uuid, "actor_name" text, "role" character varying(16), "action" text NOT NULL, "entity_type" text, "entity_id" text, "site_id" uuid, "source_ip" text, "correlation_id" text, "before" jsonb, "after" jsonb, "details" jsonb, "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_6e299f5706e715265416fefe53e" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_events_action" ON "audit_events"  ("action", "seq") `);
    await queryRunner.query(`CREATE INDEX "ix_audit_events_site" ON "audit_events"  ("site_id", "seq") `);
    await queryRunner.query(
      `CREATE INDEX "ix_audit_events_entity" ON "audit_events"  ("entity_type", "entity_id", "seq") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_events_actor" ON "audit_events"  ("actor_id", "seq") `);
    await queryRunner.query(`CREATE INDEX "ix_audit_events_at" ON "audit_events"  ("at") `);
    await queryRunner.query(
      `CREATE TABLE "audit_chain_head" ("id" smallint NOT NULL, "seq" bigint NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_9211408bf584034de409b1bbec5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_audit_events_id" ON "audit_events" ("id")`);
    await queryRunner.query(HASH_FUNCTION);
    await queryRunner.query(CHAIN_TRIGGER);
    await queryRunner.query(APPEND_ONLY);
    await queryRunner.query(`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))`);
    await queryRunner.query(
      `CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`,
    );
  }

  public async down(): Promise<void> {
    throw new Error('The audit trail is never dropped by a migration.');
  }
}
