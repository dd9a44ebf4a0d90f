import { createHmac, randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { ADMIN, JWT_SECRET, startApp, type RunningApp } from '../support/app';
import {
  Api,
  connectDevice,
  connectSocket,
  connected,
  connectWard,
  eventually,
  reading,
  sessionBody,
  unique,
  type World,
} from '../support/api';
import { createTestDatabase, query } from '../support/database';
import { useApp } from '../support/harness';

/**
 * Access that ends when it should (issue 13, findings 1, 2, 3, 8, 11, 13): open ward sockets follow
 * every change of their user, tokens end on a password change and on sign-out, a stranger's failed
 * logins lock no one out, weak passwords are refused, TRUST_PROXY decides whose address a request has,
 * and refused access to patient data and the audit trail is itself audited.
 */
const LOGIN_MAX_FAILURES = 3;

interface Staff {
  id: string;
  username: string;
  password: string;
  api: Api;
}

interface SignOut {
  reason: string;
  message: string;
  disconnect: string;
}

/** The `signed_out` event and the disconnect that follows it. */
function signedOut(socket: Socket): Promise<SignOut> {
  return new Promise((resolve) => {
    let event: { reason: string; message: string } = { reason: 'none', message: '' };
    socket.once('signed_out', (payload: { reason: string; message: string }) => (event = payload));
    socket.once('disconnect', (disconnect: string) => resolve({ ...event, disconnect }));
  });
}

/** An access token signed with the service's key, as a token of another format or age would be. */
function forgeToken(payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`;
}

async function loginFrom(baseUrl: string, address: string, username: string, password: string) {
  const started = Date.now();
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { accessToken?: string; details?: { retryAfterSeconds?: number } };
  return { status: response.status, body, ms: Date.now() - started };
}

describe('access (issue 13)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;

  const staff = async (role: string, siteIds: string[]): Promise<Staff> => {
    const username = unique(role).toLowerCase();
    const password = `${randomUUID()}-Pw`;
    const created = await world.admin.ok('/users', { username, displayName: username, role, password, siteIds });
    return { id: created.id as string, username, password, api: await new Api(app.url).login(username, password) };
  };

  const auditRows = (action: string, actorId: string) =>
    query<{ entity_type: string; entity_id: string | null; source_ip: string | null; details: any }>(
      db.url,
      'SELECT entity_type, entity_id, source_ip, details FROM audit_events WHERE action = $1 AND actor_id = $2 ORDER BY seq',
      [action, actorId],
    );

  useApp(
    { env: { LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES) }, world: 2 },
    (started) => ({ db, app, world } = started),
  );

  describe('ward sockets follow their user (finding 1)', () => {
    it('closes a deactivated user’s ward socket at once, saying why, and refuses it afterwards', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const ward = await connectWard(nurse.api);
      await ward.snapshot;
      const closed = signedOut(ward.socket);
      const started = Date.now();
      expect((await world.admin.patch(`/users/${nurse.id}`, { active: false })).status).toBe(200);
      expect(await closed).toEqual({
        reason: 'deactivated',
        message: expect.stringContaining('deactivated'),
        disconnect: 'io server disconnect',
      });
      // Typically a few milliseconds; the bound only keeps a loaded machine from failing the test.
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await nurse.api.get('/auth/me')).status).toBe(401);
      await expect(connected(connectSocket(app.url, '/ward', { token: nurse.api.token }))).rejects.toThrow(
        'unauthorized',
      );
    });

    it('moves a socket to the new sites’ rooms with a fresh snapshot when the sites change', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const [deviceA, deviceB] = [world.a.devices[0]!, world.b.devices[0]!];
      const sessionA = await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, deviceA.id, world.protocolId));
      const sessionB = await world.b.nurse.ok('/sessions', sessionBody(world.b.siteId, deviceB.id, world.protocolId));
      const ward = await connectWard(nurse.api);
      expect((await ward.snapshot).sessions.map((s) => s.id)).toEqual([sessionA.id]);
      const next = new Promise<{ sessions: { id: string }[] }>((resolve) => ward.socket.once('snapshot', resolve));
      let closedBy: string | null = null;
      ward.socket.once('disconnect', (reason: string) => (closedBy = reason));

      await world.admin.patch(`/users/${nurse.id}`, { siteIds: [world.b.siteId], role: 'clinician' });
      expect((await next).sessions.map((s) => s.id)).toEqual([sessionB.id]);

      const now = Date.now();
      const [monitorA, monitorB] = [
        await connectDevice(app.url, deviceA.token),
        await connectDevice(app.url, deviceB.token),
      ];
      expect((await monitorA.send(reading(1, { hr: 71 }, now))).ok).toBe(true);
      expect((await monitorB.send(reading(1, { hr: 73 }, now))).ok).toBe(true);
      await eventually(() => expect(ward.vitals.map((v) => v.sessionId)).toContain(sessionB.id));
      expect(ward.vitals.map((v) => v.sessionId)).not.toContain(sessionA.id);
      // A change of role or sites narrows nothing that needs a new sign-in: the socket stays.
      expect(closedBy).toBeNull();
      expect(ward.socket.connected).toBe(true);
      for (const client of [monitorA, monitorB, ward]) client.close();
    });

    it('closes a ward socket when its token expires', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const nowS = Math.floor(Date.now() / 1000);
      const token = forgeToken({ sub: nurse.id, typ: 'access', ver: 0, jti: randomUUID(), iat: nowS, exp: nowS + 3 });
      const ward = await connectWard(nurse.api.as(token));
      await ward.snapshot;
      expect(await signedOut(ward.socket)).toMatchObject({
        reason: 'token_expired',
        disconnect: 'io server disconnect',
      });
    });
  });

  describe('tokens end at once (finding 2)', () => {
    it('ends every token of a user whose password is reset: 401 at once, ward closed', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const second = await new Api(app.url).login(nurse.username, nurse.password);
      const ward = await connectWard(nurse.api);
      await ward.snapshot;
      const closed = signedOut(ward.socket);
      const password = `${randomUUID()}-new`;
      expect((await world.admin.patch(`/users/${nurse.id}`, { password })).status).toBe(200);
      expect((await nurse.api.get('/auth/me')).status).toBe(401);
      expect((await second.get('/sessions')).status).toBe(401);
      expect(await closed).toMatchObject({ reason: 'password_changed' });
      await expect(connected(connectSocket(app.url, '/ward', { token: second.token }))).rejects.toThrow('unauthorized');
      expect((await (await new Api(app.url).login(nurse.username, password)).get('/auth/me')).status).toBe(200);
    });

    it('ends the other tokens on a user’s own password change, and keeps this screen signed in', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const other = await new Api(app.url).login(nurse.username, nurse.password);
      const change = (currentPassword: string, newPassword: string) =>
        nurse.api.post('/auth/password', { currentPassword, newPassword });
      expect((await change('not-the-password', 'quiet-harbour-lantern-9')).status).toBe(401);
      const weak = await change(nurse.password, 'password1234');
      expect(weak.status).toBe(400);
      expect(weak.body.details).toEqual({ field: 'password', reason: 'common' });
      expect((await other.get('/auth/me')).status).toBe(200);
      const changed = await change(nurse.password, 'quiet-harbour-lantern-9');
      expect(changed.status).toBe(200);
      for (const api of [nurse.api, other]) expect((await api.get('/auth/me')).status).toBe(401);
      expect((await nurse.api.as(changed.body.accessToken).get('/auth/me')).status).toBe(200);
    });

    it('signs one token out with POST /auth/logout, and every token with /auth/logout-all', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const [tablet, desk] = [nurse.api, await new Api(app.url).login(nurse.username, nurse.password)];
      const [tabletWard, deskWard] = [await connectWard(tablet), await connectWard(desk)];
      await Promise.all([tabletWard.snapshot, deskWard.snapshot]);
      const tabletClosed = signedOut(tabletWard.socket);

      expect((await tablet.post('/auth/logout')).status).toBe(204);
      expect((await tablet.get('/auth/me')).status).toBe(401);
      expect(await tabletClosed).toMatchObject({ reason: 'signed_out' });
      expect((await desk.get('/auth/me')).status).toBe(200);
      expect(deskWard.socket.connected).toBe(true);

      const third = await new Api(app.url).login(nurse.username, nurse.password);
      const deskClosed = signedOut(deskWard.socket);
      expect((await desk.post('/auth/logout-all')).status).toBe(204);
      expect(await deskClosed).toMatchObject({ reason: 'signed_out_everywhere' });
      for (const api of [desk, third]) expect((await api.get('/auth/me')).status).toBe(401);
      expect((await new Api(app.url).login(nurse.username, nurse.password)).token).toEqual(expect.any(String));
      const actions = await query<{ action: string }>(
        db.url,
        `SELECT action FROM audit_events WHERE actor_id = $1 AND action LIKE 'auth.logout%' ORDER BY seq`,
        [nurse.id],
      );
      expect(actions.map((a) => a.action)).toEqual(['auth.logout', 'auth.logout_all']);
    });

    it('refuses tokens of an older version or of the old format, in REST and the ward handshake', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const nowS = Math.floor(Date.now() / 1000);
      const claims = { sub: nurse.id, typ: 'access', iat: nowS, exp: nowS + 600 };
      const current = forgeToken({ ...claims, ver: 0, jti: randomUUID() });
      expect((await nurse.api.as(current).get('/auth/me')).status).toBe(200);
      for (const token of [forgeToken({ ...claims, ver: 1, jti: randomUUID() }), forgeToken(claims)]) {
        expect((await nurse.api.as(token).get('/auth/me')).status).toBe(401);
        await expect(connected(connectSocket(app.url, '/ward', { token }))).rejects.toThrow('unauthorized');
      }
    });
  });

  describe('failed logins lock no one out (finding 3)', () => {
    it('refuses the stranger’s address, not the user: the right password from elsewhere signs in', async () => {
      const victim = await staff('nurse', [world.a.siteId]);
      for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
        expect((await loginFrom(app.url, '198.51.100.10', victim.username, 'not-the-password')).status).toBe(401);
      }
      const stranger = await loginFrom(app.url, '198.51.100.10', victim.username, victim.password);
      expect(stranger.status).toBe(429);
      expect(stranger.body.details?.retryAfterSeconds).toBeGreaterThan(0);

      const real = await loginFrom(app.url, '198.51.100.20', victim.username, victim.password);
      expect(real.status).toBe(200);
      // Slowed by the username's delay after the stranger's failures (0.5 s), never refused.
      expect(real.ms).toBeGreaterThanOrEqual(400);
      const throttled = await query<{ details: { scope: string } }>(
        db.url,
        `SELECT details FROM audit_events WHERE action = 'auth.login_throttled' AND actor_name = $1`,
        [victim.username],
      );
      expect(throttled.map((row) => row.details.scope)).toEqual(['pair']);
    });

    it('refuses an address that fails for many usernames, and only that address', async () => {
      const limit = LOGIN_MAX_FAILURES * 4;
      const statuses: number[] = [];
      // In batches: the attempts in flight count against the address too, so all at once would be refused early.
      for (let batch = 0; batch < limit / 4; batch++) {
        const answers = await Promise.all(
          Array.from({ length: 4 }, () => loginFrom(app.url, '198.51.100.30', unique('nobody'), 'not-the-password')),
        );
        statuses.push(...answers.map((a) => a.status));
      }
      expect(statuses.every((s) => s === 401)).toBe(true);
      const nurse = await staff('nurse', [world.a.siteId]);
      expect((await loginFrom(app.url, '198.51.100.30', nurse.username, nurse.password)).status).toBe(429);
      expect((await loginFrom(app.url, '198.51.100.31', nurse.username, nurse.password)).status).toBe(200);
    });

    it('never blocks a signature’s password re-entry for someone else’s failures', async () => {
      const clinician = await staff('clinician', [world.a.siteId]);
      const session = await clinician.api.ok(
        '/sessions',
        sessionBody(world.a.siteId, world.a.devices[1]!.id, world.protocolId),
      );
      for (let i = 0; i < LOGIN_MAX_FAILURES + 2; i++) {
        await loginFrom(app.url, `198.51.100.${40 + i}`, clinician.username, 'not-the-password');
      }
      const signOff = (password: string) =>
        clinician.api.post(`/sessions/${session.id}/discharge-signoff`, {
          password,
          meaning: 'discharge_approved',
        });
      // The password is accepted; the session is not in recovery yet, so the signature itself is refused.
      const right = await signOff(clinician.password);
      expect(right.status).toBe(409);
      expect(right.body.details).toEqual({ phase: 'baseline' });
      const wrong = await signOff('not-the-password');
      expect(wrong.status).toBe(401);
      expect(wrong.body.message).toBe('Wrong password');
      expect(wrong.body.code).toBe('signature_password_wrong');
    });
  });

  describe('weak passwords (finding 8)', () => {
    it('refuses common, repetitive and sequential passwords and those containing the username, with 400', async () => {
      const username = unique('nurse').toLowerCase();
      const create = (password: string) =>
        world.admin.post('/users', { username, displayName: 'N', role: 'nurse', password, siteIds: [] });
      const cases: [string, string][] = [
        ['password1234', 'common'],
        ['qwerty123456', 'common'],
        ['aaaaaaaaaaaa', 'repetitive'],
        ['abcabcabcabc', 'repetitive'],
        ['123456789012', 'common'],
        ['abcdefghijkl', 'sequential'],
        [`${username}-winter`, 'contains_username'],
      ];
      for (const [password, reason] of cases) {
        const refused = await create(password);
        expect(refused.status).toBe(400);
        expect(refused.body.details).toEqual({ field: 'password', reason });
        expect(refused.body.message).toMatch(/^The password /);
      }
      const created = await create('amber-lantern-harbour-7');
      expect(created.status).toBe(201);
      const reset = await world.admin.patch(`/users/${created.body.id}`, { password: 'iloveyou1234' });
      expect(reset.status).toBe(400);
      expect(reset.body.details).toEqual({ field: 'password', reason: 'common' });
    });

    it('refuses to start with a weak ADMIN_PASSWORD, naming it', async () => {
      await expect(startApp(db.url, { ADMIN_PASSWORD: 'password1234' })).rejects.toThrow(
        /ADMIN_PASSWORD is refused: the password is one of the passwords most often used/,
      );
    });
  });

  describe('refused access is audited (finding 13)', () => {
    it('records access.denied for another site’s patient data, a role refusal and the audit trail', async () => {
      const nurse = await staff('nurse', [world.a.siteId]);
      const other = await world.b.nurse.ok(
        '/sessions',
        sessionBody(world.b.siteId, world.b.devices[1]!.id, world.protocolId),
      );
      expect((await nurse.api.get(`/sessions/${other.id}`)).status).toBe(404);
      expect((await nurse.api.get(`/sessions/${other.id}/readings`)).status).toBe(404);
      expect((await nurse.api.get(`/sessions/${other.id}/alerts`)).status).toBe(404);
      expect((await nurse.api.get('/audit')).status).toBe(403);
      expect((await nurse.api.get('/users')).status).toBe(403);
      // A session that does not exist is not a refused access.
      expect((await nurse.api.get(`/sessions/${randomUUID()}`)).status).toBe(404);

      await eventually(async () => expect(await auditRows('access.denied', nurse.id)).toHaveLength(5));
      const rows = await auditRows('access.denied', nurse.id);
      // Written as the refusals happen, not in the transaction of any change: their order may vary.
      const seen = rows.map((r) => `${r.entity_type} ${r.entity_id} ${r.details.status}`).sort();
      expect(seen).toEqual([
        'audit null 403',
        `session ${other.id} 404`,
        `session ${other.id} 404`,
        `session ${other.id} 404`,
        'users null 403',
      ]);
      expect(rows.map((r) => r.details.route)).toContain('/api/v1/sessions/:id/readings');
    });
  });
});

describe('TRUST_PROXY (finding 11)', () => {
  let db: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  const failedLoginAddress = async (app: RunningApp, forwardedFor: string) => {
    const username = unique('probe');
    await loginFrom(app.url, forwardedFor, username, 'not-the-password');
    const [row] = await query<{ source_ip: string }>(
      db.url,
      `SELECT source_ip FROM audit_events WHERE action = 'auth.login_failed' AND actor_name = $1`,
      [username],
    );
    return row?.source_ip;
  };

  it('believes the listed proxies only: the client behind them is the address audited and limited', async () => {
    const app = await startApp(db.url, { TRUST_PROXY: 'loopback, 10.0.0.0/8', LOGIN_MAX_FAILURES: '2' });
    try {
      expect(await failedLoginAddress(app, '203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
      // An address that is not a listed proxy is where the chain stops.
      expect(await failedLoginAddress(app, '203.0.113.9, 192.0.2.77')).toBe('192.0.2.77');
      // Two clients behind the same proxy have limits of their own.
      const admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
      const username = unique('nurse').toLowerCase();
      await admin.ok('/users', {
        username,
        displayName: 'N',
        role: 'nurse',
        password: 'amber-lantern-harbour-7',
        siteIds: [],
      });
      for (let i = 0; i < 2; i++) await loginFrom(app.url, '203.0.113.50, 10.1.2.3', username, 'not-the-password');
      expect((await loginFrom(app.url, '203.0.113.50, 10.1.2.3', username, 'amber-lantern-harbour-7')).status).toBe(
        429,
      );
      expect((await loginFrom(app.url, '203.0.113.51, 10.1.2.3', username, 'amber-lantern-harbour-7')).status).toBe(
        200,
      );
    } finally {
      await app.stop();
    }
  });

  it('believes no X-Forwarded-For with TRUST_PROXY=none, and refuses an invalid setting', async () => {
    const app = await startApp(db.url, { TRUST_PROXY: 'none' });
    try {
      expect(await failedLoginAddress(app, '203.0.113.9')).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    } finally {
      await app.stop();
    }
    await expect(startApp(db.url, { TRUST_PROXY: '10.0.0.0/99' })).rejects.toThrow(/TRUST_PROXY must be/);
  });
});
