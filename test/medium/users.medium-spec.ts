import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Role } from '#contracts';
import type { DataSource } from 'typeorm';
import { AuditService } from '../../apps/api/src/audit/audit.service.js';
import { type UserChange, UserChanges } from '../../apps/api/src/events/user-changes.js';
import { Site } from '../../apps/api/src/sites/site.entity.js';
import { User } from '../../apps/api/src/users/user.entity.js';
import { UsersService } from '../../apps/api/src/users/users.service.js';
import { type MediumDatabase, SYSTEM_CONTEXT, cloneDatabase } from './support.js';

class RecordedUserChanges extends UserChanges {
  readonly published: UserChange[] = [];
  publish(change: UserChange): void {
    this.published.push(change);
  }
  subscribe(): () => void {
    return () => undefined;
  }
}

const isLastAdmin = (error: unknown): boolean => (error as { code?: string }).code === 'last_admin';

describe('UsersService on PostgreSQL: the last active admin', () => {
  let db: MediumDatabase;
  let dataSource: DataSource;
  let users: UsersService;
  let changes: RecordedUserChanges;

  before(async () => {
    db = await cloneDatabase();
    dataSource = db.dataSource;
    changes = new RecordedUserChanges();
    users = new UsersService(
      dataSource.getRepository(User),
      dataSource.getRepository(Site),
      dataSource,
      new AuditService(dataSource),
      changes,
    );
  });
  after(() => db.close());
  // Each test starts with no admin: the ones it creates are the only ones.
  beforeEach(() => dataSource.query(`UPDATE users SET active = false WHERE role = 'admin'`));

  /** A user row as the service stores it (the password is never checked here). */
  const createUser = async (role: Role): Promise<string> => {
    const [row] = (await dataSource.query(
      `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, 'not-a-hash') RETURNING id`,
      [`u.${randomBytes(4).toString('hex')}`, `${role} ${randomBytes(2).toString('hex')}`, role],
    )) as { id: string }[];
    return row!.id;
  };
  const stored = async (id: string) =>
    (
      (await dataSource.query('SELECT role, active, token_version FROM users WHERE id = $1', [id])) as {
        role: Role;
        active: boolean;
        token_version: number;
      }[]
    )[0]!;
  const auditCount = async (id: string) =>
    Number(
      (
        (await dataSource.query(
          `SELECT count(*) AS n FROM audit_events WHERE entity_id = $1 AND action = 'user.update'`,
          [id],
        )) as { n: string }[]
      )[0]!.n,
    );

  it('refuses to deactivate or demote the last active admin, and changes nothing', async () => {
    const admin = await createUser('admin');
    await assert.rejects(users.update(admin, { active: false }, SYSTEM_CONTEXT), isLastAdmin);
    await assert.rejects(users.update(admin, { role: 'clinician' }, SYSTEM_CONTEXT), isLastAdmin);
    assert.deepEqual(await stored(admin), { role: 'admin', active: true, token_version: 0 });
    assert.equal(await auditCount(admin), 0);
    assert.equal(changes.published.filter((c) => c.userId === admin).length, 0);

    // Other changes of the last admin are allowed.
    const view = await users.update(admin, { displayName: 'Head of IT', role: 'admin' }, SYSTEM_CONTEXT);
    assert.equal(view.displayName, 'Head of IT');
  });

  it('with another active admin: deactivation passes, ends the tokens, is audited and published', async () => {
    const first = await createUser('admin');
    const second = await createUser('admin');
    const nurse = await createUser('nurse');
    const view = await users.update(first, { active: false }, SYSTEM_CONTEXT);
    assert.equal(view.active, false);
    assert.deepEqual(await stored(first), { role: 'admin', active: false, token_version: 1 });
    assert.equal(await auditCount(first), 1);
    assert.deepEqual(changes.published.at(-1), { userId: first, reasons: ['deactivated'] });

    // A deactivated admin and a nurse do not count: the second admin is now the last.
    await users.update(nurse, { active: true }, SYSTEM_CONTEXT);
    await assert.rejects(users.update(second, { role: 'nurse' }, SYSTEM_CONTEXT), isLastAdmin);
  });

  it('two admins demoting each other at once: one passes, the other is refused', async () => {
    const first = await createUser('admin');
    const second = await createUser('admin');
    const results = await Promise.allSettled([
      users.update(first, { role: 'clinician' }, SYSTEM_CONTEXT),
      users.update(second, { active: false }, SYSTEM_CONTEXT),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    assert.ok(isLastAdmin(refused.reason));
    const after = [await stored(first), await stored(second)];
    assert.equal(after.filter((u) => u.role === 'admin' && u.active).length, 1, 'one active admin is left');
  });
});
