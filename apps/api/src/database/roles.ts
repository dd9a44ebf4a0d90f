import type { DataSource } from 'typeorm';
import { logger } from '../common/logger.js';

/**
 * The PostgreSQL roles of the service. The service connects as APP_ROLE: it owns its database and
 * every table but the audit trail, and is no superuser. The audit trail (`audit_events`,
 * `audit_chain_head` and their trigger functions) belongs to AUDIT_ROLE, a role nobody logs in as: a
 * table's owner can `ALTER TABLE … DISABLE TRIGGER`, so the service must not own it. The service may
 * only read the trail and append to it; the chain trigger runs with its owner's rights to move the
 * chain head. The `public` schema belongs to AUDIT_ROLE too, since a schema's owner may drop any table in it.
 */
export const APP_ROLE = 'infusion_monitor';
export const AUDIT_ROLE = 'infusion_monitor_audit';

/** What runs a statement: a pg Client or a TypeORM DataSource / query runner. */
interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const rows = async <T>(sql: Sql, text: string, params?: unknown[]): Promise<T[]> => {
  const result = (await sql.query(text, params)) as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
};

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * As a superuser, on the cluster: the two roles (the app's with `password`), and the database owned
 * by the app role. Idempotent: run at every start of the embedded database.
 */
export async function ensureRoles(superuser: Sql, database: string, password: string): Promise<void> {
  const existing = await rows<{ rolname: string }>(
    superuser,
    'SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])',
    [[APP_ROLE, AUDIT_ROLE]],
  );
  const has = (role: string) => existing.some((r) => r.rolname === role);
  if (!has(AUDIT_ROLE)) await superuser.query(`CREATE ROLE ${AUDIT_ROLE} NOLOGIN`);
  // The password is generated (base64url): safe to quote as a literal, as CREATE ROLE takes no parameters.
  const literal = `'${password.replace(/'/g, "''")}'`;
  await superuser.query(
    `${has(APP_ROLE) ? 'ALTER' : 'CREATE'} ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal}`,
  );
  const db = await rows(superuser, 'SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (db.length === 0) await superuser.query(`CREATE DATABASE ${ident(database)} OWNER ${APP_ROLE}`);
  else await superuser.query(`ALTER DATABASE ${ident(database)} OWNER TO ${APP_ROLE}`);
}

const AUDIT_TABLES = ['audit_events', 'audit_chain_head'];
const AUDIT_FUNCTIONS = ['audit_event_hash', 'audit_events_chain', 'audit_append_only'];

/**
 * As a superuser, in the service's database, after the migrations (which the superuser runs): every
 * object of `public` goes to the app role except the audit trail, which goes to the audit role with
 * SELECT and INSERT granted to the app. Also moves the objects of a database made before these roles
 * existed (all owned by `postgres`). Idempotent.
 */
export async function sealAuditTrail(superuser: Sql): Promise<void> {
  await superuser.query(`ALTER SCHEMA public OWNER TO ${AUDIT_ROLE}`);
  await superuser.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${APP_ROLE}`);
  // Tables, views and free-standing sequences (indexes and a serial's sequence follow their table);
  // objects of extensions stay with the extension.
  const relations = await rows<{ name: string; kind: string }>(
    superuser,
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))`,
  );
  for (const { name, kind } of relations) {
    const owner = AUDIT_TABLES.includes(name) ? AUDIT_ROLE : APP_ROLE;
    const what = kind === 'S' ? 'SEQUENCE' : kind === 'v' ? 'VIEW' : kind === 'm' ? 'MATERIALIZED VIEW' : 'TABLE';
    await superuser.query(`ALTER ${what} ${ident(name)} OWNER TO ${owner}`);
  }
  const functions = await rows<{ name: string; signature: string }>(
    superuser,
    `SELECT p.proname AS name, p.oid::regprocedure::text AS signature FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
      WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
  );
  for (const { name, signature } of functions) {
    await superuser.query(
      `ALTER FUNCTION ${signature} OWNER TO ${AUDIT_FUNCTIONS.includes(name) ? AUDIT_ROLE : APP_ROLE}`,
    );
  }
  // The chain trigger moves the chain head, which the app may read but not write.
  await superuser.query(`ALTER FUNCTION audit_events_chain() SECURITY DEFINER SET search_path = public, pg_temp`);
  await superuser.query(`REVOKE ALL ON audit_events, audit_chain_head FROM PUBLIC, ${APP_ROLE}`);
  await superuser.query(`GRANT SELECT, INSERT ON audit_events TO ${APP_ROLE}`);
  await superuser.query(`GRANT SELECT ON audit_chain_head TO ${APP_ROLE}`);
  await superuser.query(`REVOKE ALL ON FUNCTION audit_events_chain() FROM PUBLIC`);
}

/**
 * At start, on the service's own connection: a superuser, or the owner of the audit trail, can switch
 * off its append-only triggers. Said once, loudly, with what to do (README, docs/audit.md).
 */
export async function warnAboutPrivilegedRole(dataSource: DataSource): Promise<void> {
  const [role] = await rows<{ name: string; superuser: boolean; owns_audit: boolean }>(
    dataSource,
    `SELECT current_user AS name, r.rolsuper AS superuser,
            EXISTS (SELECT 1 FROM pg_tables t WHERE t.tablename = 'audit_events' AND t.schemaname = 'public'
                      AND pg_has_role(current_user, t.tableowner, 'USAGE')) AS owns_audit
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  if (!role) return;
  if (role.superuser || role.owns_audit) {
    logger.warn(
      { role: role.name, superuser: role.superuser, ownsAuditTrail: role.owns_audit },
      'connected to PostgreSQL as a role that can switch off the audit trail’s append-only triggers ' +
        '(a superuser or the owner of audit_events); connect as a role without these rights (README, docs/audit.md)',
    );
  }
}
