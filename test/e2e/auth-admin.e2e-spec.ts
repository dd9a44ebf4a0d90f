import { ADMIN, type RunningApp } from '../support/app';
import { Api, unique, type World } from '../support/api';
import { query } from '../support/database';
import { useApp } from '../support/harness';

describe('authentication and administration', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;

  useApp({ env: { LOGIN_MAX_FAILURES: '3' }, world: 1 }, (started) => ({ db, app, world } = started));

  it('logs in with the contract\u2019s response and stores passwords with a slow hash', async () => {
    const response = await new Api(app.url).post('/auth/login', ADMIN);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      expiresIn: expect.any(Number),
      user: {
        id: expect.any(String),
        username: 'admin',
        displayName: 'Administrator',
        role: 'admin',
        siteIds: [],
        active: true,
      },
    });
    const [row] = await query<{ password_hash: string }>(
      db.url,
      "SELECT password_hash FROM users WHERE username = 'admin'",
    );
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(app.output()).not.toContain(ADMIN.password);
  });

  it('refuses bad credentials with 401 and throttles repeated failures with 429', async () => {
    const username = unique('victim').toLowerCase();
    await world.admin.ok('/users', {
      username,
      displayName: 'V',
      role: 'nurse',
      password: 'right-password-123',
      siteIds: [],
    });
    const api = new Api(app.url);
    for (let i = 0; i < 3; i++) {
      const bad = await api.post('/auth/login', { username, password: 'wrong-password' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'invalid_credentials',
        message: 'Wrong username or password',
      });
    }
    const throttled = await api.post('/auth/login', { username, password: 'right-password-123' });
    expect(throttled.status).toBe(429);
    expect((await api.post('/auth/login', { username: 'nobody-at-all', password: 'x' })).status).toBe(401);
  });

  it('needs a valid token everywhere but login and health', async () => {
    const anonymous = new Api(app.url);
    expect((await anonymous.get('/sessions')).status).toBe(401);
    expect((await anonymous.as('not-a-token').get('/users')).status).toBe(401);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/docs-json`)).status).toBe(200);
  });

  it('keeps administration to admins and sessions to staff', async () => {
    const { nurse, clinician } = world.a;
    for (const staff of [nurse, clinician]) {
      expect((await staff.get('/users')).status).toBe(403);
      expect((await staff.post('/sites', { name: unique('x') })).status).toBe(403);
      expect((await staff.post('/devices', { siteId: world.a.siteId, name: 'x' })).status).toBe(403);
      expect((await staff.post(`/devices/${world.a.devices[0]!.id}/revoke`)).status).toBe(403);
      expect((await staff.post('/protocols', {})).status).toBe(403);
      expect((await staff.get('/protocols')).status).toBe(200);
    }
    expect((await world.admin.get('/sessions')).status).toBe(403);
  });

  it('manages users: create, list, change role, sites and active', async () => {
    const username = unique('nurse').toLowerCase();
    const created = await world.admin.post('/users', {
      username,
      displayName: 'New Nurse',
      role: 'nurse',
      password: 'nurse-password-123',
      siteIds: [world.a.siteId],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      username,
      displayName: 'New Nurse',
      role: 'nurse',
      siteIds: [world.a.siteId],
      active: true,
    });
    expect(JSON.stringify(created.body)).not.toContain('password');
    expect(
      (
        await world.admin.post('/users', {
          username,
          displayName: 'Twin',
          role: 'nurse',
          password: 'nurse-password-123',
          siteIds: [],
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await world.admin.post('/users', {
          username: 'x',
          displayName: '',
          role: 'boss',
          password: 'short',
          siteIds: ['nope'],
        })
      ).status,
    ).toBe(400);

    const nurse = await new Api(app.url).login(username, 'nurse-password-123');
    const changed = await world.admin.patch(`/users/${created.body.id}`, {
      role: 'clinician',
      siteIds: [world.b.siteId],
    });
    expect(changed.body).toMatchObject({ role: 'clinician', siteIds: [world.b.siteId] });
    const me = await nurse.get('/auth/me');
    expect(me.body).toMatchObject({ role: 'clinician', siteIds: [world.b.siteId] });

    await world.admin.patch(`/users/${created.body.id}`, { active: false });
    expect((await nurse.get('/auth/me')).status).toBe(401);
    expect((await new Api(app.url).post('/auth/login', { username, password: 'nurse-password-123' })).status).toBe(401);
    expect((await world.admin.patch('/users/00000000-0000-4000-8000-000000000000', { active: true })).status).toBe(404);
    const list = await world.admin.get('/users');
    expect(list.body.find((u: { username: string }) => u.username === username)).toMatchObject({ active: false });
  });

  it('never deactivates or demotes the last active admin (409 last_admin), not even in a race', async () => {
    const me = (await world.admin.get('/auth/me')).body as { id: string };
    const activeAdmins = async () =>
      (await query<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active"))[0]!
        .n;
    expect(await activeAdmins()).toBe(1);
    for (const change of [{ active: false }, { role: 'clinician' }, { role: 'nurse', active: false }]) {
      const refused = await world.admin.patch(`/users/${me.id}`, change);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'last_admin', details: { userId: me.id } });
      expect(refused.body.message).toContain('last active admin');
    }
    expect((await world.admin.patch(`/users/${me.id}`, { displayName: 'Administrator' })).status).toBe(200);

    // With a second admin, one may go; two admins demoting each other at once leave one standing.
    const username = unique('admin').toLowerCase();
    const second = await world.admin.post('/users', {
      username,
      displayName: 'Second Admin',
      role: 'admin',
      password: 'admin-password-456',
      siteIds: [],
    });
    const other = await new Api(app.url).login(username, 'admin-password-456');
    const answers = await Promise.all([
      world.admin.patch(`/users/${second.body.id}`, { active: false }),
      other.patch(`/users/${me.id}`, { active: false }),
    ]);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(1);
    expect(await activeAdmins()).toBe(1);
    // Put the bootstrap admin back in charge for the tests after this one.
    const [survivor] = await query<{ id: string }>(db.url, "SELECT id FROM users WHERE role = 'admin' AND active");
    if (survivor!.id !== me.id) {
      await other.patch(`/users/${me.id}`, { active: true });
      world.admin = await new Api(app.url).login(ADMIN.username, ADMIN.password); // deactivation ended its tokens
      expect((await world.admin.patch(`/users/${second.body.id}`, { active: false })).status).toBe(200);
    }
    expect(await activeAdmins()).toBe(1);
  });

  it('shows a device token once and stores only its hash', async () => {
    const created = await world.admin.post('/devices', { siteId: world.a.siteId, name: 'Chair 7 monitor' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^imd_/);
    const listed = await world.admin.get('/devices');
    const device = listed.body.find((d: { id: string }) => d.id === created.body.id);
    expect(device).toMatchObject({ name: 'Chair 7 monitor', revokedAt: null });
    expect(device.token).toBeUndefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const rows = await query(db.url, 'SELECT token_hash FROM devices WHERE id = $1', [created.body.id]);
    expect(JSON.stringify(rows)).not.toContain(created.body.token);
    const nurseView = await world.b.nurse.get('/devices');
    expect(nurseView.body.find((d: { id: string }) => d.id === created.body.id)).toBeUndefined();
  });

  it('publishes protocol versions, validated, keeping the old ones', async () => {
    const protocols = (await world.admin.get('/protocols')).body as {
      key: string;
      version: number;
      rules: Record<string, Record<string, unknown>>;
    }[];
    const iv = protocols.find((p) => p.key === 'iv-ketamine' && p.version === 1)!;
    expect(iv.rules.bpRise).toMatchObject({ mediumPct: 20, highPct: 40, highSbp: 180, highDbp: 110 });
    // v2 is v1 with CLINICAL.md's refinements (seeded by a migration); a new version builds on it.
    const newest = protocols.find((p) => p.key === 'iv-ketamine' && p.version === 2)!;
    expect(newest.rules.bpRise).toMatchObject({ ...iv.rules.bpRise, bpPlausibility: true });
    expect(newest.rules.signalLost).toMatchObject({ sensorSeconds: 60, cuffIntervalMinutes: 5 });
    const rules = { ...newest.rules, bpRise: { ...newest.rules.bpRise, mediumPct: 25 } };
    const v3 = await world.admin.post('/protocols', { key: 'iv-ketamine', name: 'IV ketamine v3', route: 'iv', rules });
    expect(v3.status).toBe(201);
    expect(v3.body).toMatchObject({ key: 'iv-ketamine', version: 3 });
    const bad = await world.admin.post('/protocols', {
      key: 'iv-ketamine',
      name: 'broken',
      route: 'iv',
      rules: { ...newest.rules, bpRise: { ...newest.rules.bpRise, mediumPct: 50 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('bpRise.mediumPct must be below bpRise.highPct');
    const after = (await world.admin.get('/protocols')).body as { key: string; version: number }[];
    expect(after.filter((p) => p.key === 'iv-ketamine').map((p) => p.version)).toEqual([3, 2, 1]);
    // A publication without the refinements' fields is refused: new versions carry them.
    const old = await world.admin.post('/protocols', { key: 'iv-ketamine', name: 'old', route: 'iv', rules: iv.rules });
    expect(old.status).toBe(400);
    expect(old.body.message).toContain('signalLost.sensorSeconds must be a number');
  });

  it('lets admins create sites and staff see only their own', async () => {
    const name = unique('Eastside');
    const created = await world.admin.post('/sites', { name, timezone: 'Europe/London' });
    expect(created.status).toBe(201);
    expect((await world.admin.post('/sites', { name })).status).toBe(409);
    expect((await world.admin.post('/sites', { name: unique('x'), timezone: 'Mars/Olympus' })).status).toBe(400);
    const seen = (await world.a.nurse.get('/sites')).body as { id: string }[];
    expect(seen.map((s) => s.id)).toEqual([world.a.siteId]);
  });
});
