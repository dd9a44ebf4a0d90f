import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ADMIN, startApp, type RunningApp } from '../support/app';
import { Api } from '../support/api';
import { exited, freePort, ROOT, spawnUntil } from '../support/processes';
import { useApp } from '../support/harness';

/**
 * A data directory as earlier versions left it: the schema migrated by the cluster's superuser
 * `postgres`, who owns every table, and no password for the service's own role yet.
 */
async function olderDataDirectory(dataDir: string): Promise<void> {
  const { child, match } = await spawnUntil(
    path.join(ROOT, 'test/support/db-process.mjs'),
    [dataDir, String(await freePort())],
    { ...process.env },
    /READY (\S+)/,
  );
  try {
    const migrate = spawn(process.execPath, [path.join(ROOT, 'dist/apps/api/src/database/migrate.js')], {
      env: { ...process.env, DATABASE_URL: match[1]!, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    expect(await exited(migrate)).toBe(0);
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
  const file = path.join(dataDir, 'secrets.json');
  const { appDatabasePassword: _dropped, ...older } = JSON.parse(await fs.readFile(file, 'utf8')) as Record<
    string,
    string
  >;
  await fs.writeFile(file, JSON.stringify(older));
}

/**
 * The service's PostgreSQL role. On its embedded database it connects as `infusion_monitor`, which
 * owns the data but not the audit trail: it cannot switch the trail's triggers off, nor rewrite it.
 * With a DATABASE_URL of a superuser (as in CI) it says so at start, and works.
 */
describe('the database role of the service (finding 12)', () => {
  let privateDir: string;
  let dataDir: string;
  let app: RunningApp;

  beforeAll(async () => {
    // DATA_DIR inside a private (0700) directory: as root, PostgreSQL (run as `postgres`) cannot
    // enter it, so the cluster lives elsewhere (finding 14).
    privateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-private-'));
    await fs.chmod(privateDir, 0o700);
    dataDir = path.join(privateDir, 'data');
    await olderDataDirectory(dataDir);
    app = await startApp('', { DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  }, 120_000);

  afterAll(async () => {
    const clusterDir = app ? /"clusterDir":"([^"]+)"/.exec(app.output())?.[1] : undefined;
    await app?.stop();
    await fs.rm(privateDir, { recursive: true, force: true });
    // A cluster placed outside DATA_DIR (root, private DATA_DIR) is the test's to remove too.
    if (clusterDir?.startsWith('/var/lib/infusion-monitor/')) {
      await fs.rm(path.dirname(clusterDir), { recursive: true, force: true });
    }
  });

  /** A connection as the service's own role, with the credentials it keeps in DATA_DIR. */
  async function asServiceRole(): Promise<Client> {
    const secrets = JSON.parse(await fs.readFile(path.join(dataDir, 'secrets.json'), 'utf8')) as {
      appDatabasePassword: string;
    };
    const log = app.output();
    const port = /"databasePort":(\d+)/.exec(log)?.[1];
    if (!port) throw new Error(`the service did not log its database port:\n${log}`);
    const client = new Client({
      host: '127.0.0.1',
      port: Number(port),
      user: 'infusion_monitor',
      password: secrets.appDatabasePassword,
      database: 'infusion_monitor',
    });
    await client.connect();
    return client;
  }

  it('runs as a non-superuser that cannot disable, rewrite or drop the audit trail, also on an older data directory', async () => {
    // The service works as that role: a login and a change are audited.
    const admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    expect((await admin.post('/sites', { name: 'Role check site' })).status).toBe(201);
    const audit = await admin.get('/audit?action=site.create');
    expect(audit.body.items).toHaveLength(1);
    expect((await admin.get('/audit/verify')).body).toMatchObject({ ok: true });

    const client = await asServiceRole();
    try {
      const [me] = (
        await client.query(
          `SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`,
        )
      ).rows;
      expect(me).toEqual({ name: 'infusion_monitor', superuser: false });
      const owners = (
        await client.query(
          `SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('audit_events', 'sessions')`,
        )
      ).rows;
      expect(Object.fromEntries(owners.map((r) => [r.tablename, r.tableowner]))).toEqual({
        audit_events: 'infusion_monitor_audit',
        sessions: 'infusion_monitor',
      });
      for (const statement of [
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
        'ALTER TABLE audit_events DISABLE TRIGGER ALL',
        'ALTER TABLE audit_chain_head DISABLE TRIGGER ALL',
        "UPDATE audit_events SET actor_name = 'someone else'",
        'DELETE FROM audit_events',
        'TRUNCATE audit_events',
        "UPDATE audit_chain_head SET hash = repeat('0', 64)",
        'DROP TABLE audit_events',
        'DROP FUNCTION audit_append_only() CASCADE',
        'ALTER FUNCTION audit_events_chain() RENAME TO anything',
        'CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
      ]) {
        const error = await client.query(statement).then(
          () => null,
          (e: { code?: string; message: string }) => e,
        );
        expect([statement, error?.code]).toEqual([statement, '42501']);
      }
      // What it may do: read the trail and append to it (through the chain trigger).
      await client.query(
        `INSERT INTO audit_events (actor_type, action, prev_hash, hash) VALUES ('system', 'test.role-check', '', '')`,
      );
      expect((await admin.get('/audit/verify')).body).toMatchObject({ ok: true });
    } finally {
      await client.end();
    }
  });

  it('keeps the embedded cluster where PostgreSQL can reach it when DATA_DIR is private (finding 14)', async () => {
    if (process.getuid?.() !== 0) {
      console.log('not root: PostgreSQL runs as this user, who can reach DATA_DIR; nothing to check');
      return;
    }
    const log = app.output();
    const clusterDir = /"clusterDir":"([^"]+)"/.exec(log)?.[1];
    expect(clusterDir).toBeDefined();
    expect(clusterDir!.startsWith(privateDir)).toBe(false);
    const stat = await fs.stat(clusterDir!);
    expect(stat.isDirectory()).toBe(true);
  });
});

describe('the database role with DATABASE_URL (finding 12)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;

  useApp({}, (started) => ({ db, app } = started));

  it('warns at start when connected as a role that can switch off the audit triggers, and works', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const [{ rolsuper }] = (await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows;
    await client.end();
    if (rolsuper) expect(app.output()).toContain('can switch off the audit trail');
    const admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    expect((await admin.get('/audit/verify')).status).toBe(200);
  });
});
