import net from 'node:net';
import { io } from 'socket.io-client';
import { ADMIN, startApp, type RunningApp } from '../support/app';
import {
  Api,
  buildWorld,
  connectDevice,
  connectSocket,
  connected,
  connectWard,
  eventually,
  sessionBody,
  unique,
} from '../support/api';
import { OwnedDatabase } from '../support/database';
import { useApp } from '../support/harness';

/**
 * Hostile cases of the hardening: what reaches the logs under an attacker's workload, the answers
 * while PostgreSQL refuses connections, and clients that trickle their requests.
 */

describe('nothing private in the logs under a hostile workload (finding 4)', () => {
  let app: RunningApp;

  // Everything the service writes, at every level, is captured and searched.
  useApp({ env: { LOG_LEVEL: 'trace' } }, (started) => ({ app } = started));

  it('logs no patient reference, password, password hash or token', async () => {
    const world = await buildWorld(app.url, 1);
    const secrets: string[] = [world.admin.token!, world.a.nurse.token!, ADMIN.password];

    // The same username created several times at once (the database refuses all but one).
    const password = `Leak-Check-${unique('pw')}`;
    secrets.push(password);
    for (let round = 0; round < 3; round++) {
      const username = unique('dup').toLowerCase();
      const body = { username, displayName: 'Dup', role: 'nurse', password, siteIds: [world.a.siteId] };
      await Promise.all(Array.from({ length: 5 }, () => world.admin.post('/users', body)));
    }

    // A busy device: sessions for other patients on it, one at a time and all at once.
    const device = world.a.devices[0]!;
    const first = sessionBody(world.a.siteId, device.id, world.protocolId);
    secrets.push(first.patientRef);
    expect((await world.a.nurse.post('/sessions', first)).status).toBe(201);
    const others = Array.from({ length: 6 }, () => sessionBody(world.a.siteId, device.id, world.protocolId));
    secrets.push(...others.map((o) => o.patientRef));
    const busy = await Promise.all(others.map((o) => world.a.nurse.post('/sessions', o)));
    expect(busy.every((b) => b.status === 409)).toBe(true);
    // Sessions for a second device, racing each other (one wins at the unique index).
    const device2 = await world.admin.ok('/devices', { siteId: world.a.siteId, name: unique('monitor') });
    const racing = Array.from({ length: 6 }, () => sessionBody(world.a.siteId, device2.id, world.protocolId));
    secrets.push(...racing.map((o) => o.patientRef));
    const raced = await Promise.all(racing.map((o) => world.a.nurse.post('/sessions', o)));
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);

    // Wrong passwords, for real and unknown users.
    const wrong = `Wrong-${unique('pw')}`;
    secrets.push(wrong);
    for (const username of [ADMIN.username, 'nobody-here']) {
      expect((await new Api(app.url).post('/auth/login', { username, password: wrong })).status).toBe(401);
    }

    // Forged and garbage tokens, on REST and on both socket namespaces.
    const [header, , signature] = world.admin.token!.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin' })).toString('base64url')}.${signature}`;
    const garbage = `garbage-token-${unique('t')}`;
    secrets.push(forged, garbage);
    for (const token of [forged, garbage]) {
      expect((await new Api(app.url, token).get('/sessions')).status).toBe(401);
      for (const namespace of ['/ward', '/devices']) {
        await expect(connected(connectSocket(app.url, namespace, { token }))).rejects.toThrow();
      }
    }
    // A device token used as a user's, and a user's token used as a device's.
    expect((await new Api(app.url, device.token).get('/sessions')).status).toBe(401);
    await expect(connectDevice(app.url, world.a.nurse.token!)).rejects.toThrow();
    secrets.push(device.token, device2.token as string);

    // Malformed input that reaches PostgreSQL's type checks with a patient reference in it.
    const refInPath = unique('MRN');
    secrets.push(refInPath);
    expect([400, 404]).toContain((await world.a.nurse.get(`/sessions/${refInPath}`)).status);

    await new Promise((resolve) => setTimeout(resolve, 500));
    const logs = app.output();
    // The workload did reach the log (the service logs at trace here): the check is not vacuous.
    expect(logs).toContain('database query failed');
    expect(logs).toContain('23505');
    expect(logs).not.toContain('$argon2');
    expect(logs).not.toMatch(/PARAMETERS|"parameters"|"detail"|Key \(/);
    const leaked = secrets.filter((secret) => logs.includes(secret));
    expect(leaked).toEqual([]);
  });
});

describe('503 while PostgreSQL refuses connections (finding 6)', () => {
  let database: OwnedDatabase;
  let app: RunningApp;

  beforeAll(async () => {
    database = await OwnedDatabase.create();
    // `localhost`: PostgreSQL listens on 127.0.0.1 only, so a refused connection also comes as an
    // AggregateError of the IPv6 and IPv4 attempts.
    const url = new URL(database.url);
    url.hostname = 'localhost';
    app = await startApp(url.toString());
  });

  afterAll(async () => {
    await app?.stop();
    await database?.destroy();
  });

  it('answers REST reads, logins and session creation with the contract’s 503, never 500, and recovers', async () => {
    const world = await buildWorld(app.url, 2);
    const nurse = world.a.nurse;
    const { id } = await nurse.ok('/sessions', sessionBody(world.a.siteId, world.a.devices[0]!.id, world.protocolId));

    const requests: [string, () => Promise<{ status: number; body: unknown }>][] = [
      ['GET /sessions/:id', () => nurse.get(`/sessions/${id}`)],
      ['GET /sessions', () => nurse.get('/sessions')],
      ['GET /sessions/:id/readings', () => nurse.get(`/sessions/${id}/readings`)],
      ['GET /sessions/:id/alerts', () => nurse.get(`/sessions/${id}/alerts`)],
      ['GET /audit', () => world.admin.get('/audit')],
      ['GET /users', () => world.admin.get('/users')],
      [
        'POST /auth/login',
        () => new Api(app.url).post('/auth/login', { username: ADMIN.username, password: ADMIN.password }),
      ],
      [
        'POST /sessions',
        () => nurse.post('/sessions', sessionBody(world.a.siteId, world.a.devices[1]!.id, world.protocolId)),
      ],
    ];
    const attempts = () => Promise.all(requests.map(([, request]) => request()));

    // Requests in flight while PostgreSQL shuts down (fast shutdown: open connections and
    // transactions are ended by the server, 57P01), then while it refuses connections. Each 5xx
    // other than 503, and each request the service closed without an answer, is kept with what
    // to look for in the service's log.
    const wrong: unknown[] = [];
    let stoppedAt = 0;
    /** Milliseconds since PostgreSQL was told to stop, null before. */
    const sinceStop = () => (stoppedAt ? Date.now() - stoppedAt : null);
    let running = true;
    const load = (async () => {
      while (running)
        await Promise.all(
          requests.map(async ([route, request]) => {
            const sent = sinceStop();
            try {
              const answer = await request();
              if (answer.status >= 500 && answer.status !== 503) wrong.push({ route, ...answer });
            } catch (error) {
              const cause = (error as { cause?: { message?: string } }).cause?.message;
              wrong.push({
                route,
                noAnswer: cause ?? String(error),
                msSinceStop: { sent, failed: sinceStop() },
              });
            }
          }),
        );
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    stoppedAt = Date.now();
    await database.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await load;
    const errorLines = () =>
      app
        .output()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line));
    expect({ wrong, log: wrong.length > 0 ? errorLines() : [], exitCode: app.child.exitCode }).toEqual({
      wrong: [],
      log: [],
      exitCode: null,
    });
    for (let round = 0; round < 2; round++) {
      for (const answer of await attempts()) {
        expect(answer.status).toBe(503);
        expect(answer.body).toEqual({
          statusCode: 503,
          error: 'Service Unavailable',
          code: 'unavailable',
          message: expect.any(String),
        });
      }
    }
    expect(app.child.exitCode).toBeNull();

    await database.start();
    await eventually(async () => expect((await nurse.get(`/sessions/${id}`)).status).toBe(200), 20_000);
    const login = await new Api(app.url).post('/auth/login', { username: ADMIN.username, password: ADMIN.password });
    expect(login.status).toBe(200);
  });
});

describe('requests that trickle (finding 9)', () => {
  let app: RunningApp;

  useApp({}, (started) => ({ app } = started));

  /** Opens a raw TCP connection, writes `head`, then one byte of `drip` every 5 s; resolves with the seconds until the server closed it. */
  function trickle(head: string, drip: string): Promise<{ seconds: number; answer: string }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(app.port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < drip.length) socket.write(drip[sent++]!);
      }, 5_000);
      const giveUp = setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`still open after 90 s; answer so far: ${answer}`));
      }, 90_000);
      socket.on('connect', () => socket.write(head));
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve({ seconds: (Date.now() - started) / 1000, answer });
      });
    });
  }

  /**
   * Sends a request on a raw TCP connection, then the same again after `idleMs`; resolves with both
   * answers' first lines and headers, and the milliseconds from the first answer until the server closed it.
   */
  function idleBetween(idleMs: number): Promise<{ answers: string[]; closedAfterMs: number }> {
    return new Promise((resolve) => {
      const socket = net.connect(app.port, '127.0.0.1');
      const request = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
      const answers: string[] = [];
      let answeredAt = 0;
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk) => {
        if (answers.length === 0) {
          answeredAt = Date.now();
          setTimeout(() => !socket.destroyed && socket.write(request), idleMs);
        }
        answers.push(chunk.toString().split('\r\n\r\n')[0]!);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ answers, closedAfterMs: Date.now() - answeredAt }));
    });
  }

  it('closes a body or headers sent at 1 byte per 5 s within the bound, and an idle connection after 5 s and a grace, while sockets stay up', async () => {
    const world = await buildWorld(app.url, 0);
    // A ward screen over websocket and one over long-polling, open for the whole test.
    const websocket = await connectWard(world.a.nurse);
    const polling = io(`${app.url}/ward`, {
      auth: { token: world.a.nurse.token },
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
    });
    await connected(polling);
    const drops: string[] = [];
    websocket.socket.on('disconnect', (reason) => drops.push(`websocket: ${reason}`));
    polling.on('disconnect', (reason) => drops.push(`polling: ${reason}`));

    const body = JSON.stringify({ username: 'slow', password: 'slow-password-123' });
    const [bodyTrickle, headerTrickle, reused, idle] = await Promise.all([
      trickle(
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
      ),
      trickle('GET /health HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(40)),
      // A client whose timer ran late: it reuses the connection 7 s after an answer that said 5 s.
      idleBetween(7_000),
      idleBetween(60_000),
    ]);
    // Kept-alive connections: 5 s told, 10 s kept (README), so a late reuse still finds it open.
    expect(reused.answers).toHaveLength(2);
    for (const answer of reused.answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer.match(/^keep-alive:.*$/gim)).toEqual(['Keep-Alive: timeout=5']);
    }
    expect(idle.answers).toHaveLength(1);
    expect(idle.closedAfterMs).toBeGreaterThanOrEqual(9_500);
    expect(idle.closedAfterMs).toBeLessThan(20_000);
    // Bounds: 30 s for a whole request, 10 s for headers (README), checked each second; slack for a
    // loaded machine. Node's default would hold both for 300 s.
    expect(bodyTrickle.seconds).toBeLessThan(60);
    expect(bodyTrickle.seconds).toBeGreaterThanOrEqual(25);
    expect(headerTrickle.seconds).toBeLessThan(30);
    expect(`${bodyTrickle.answer}${headerTrickle.answer}`).not.toContain('HTTP/1.1 200');

    // Both screens lived through it, and still talk to the service.
    expect(drops).toEqual([]);
    expect(websocket.socket.connected && polling.connected).toBe(true);
    const seen = new Promise((resolve) => polling.once('session', resolve));
    const device = await world.admin.ok('/devices', { siteId: world.a.siteId, name: unique('monitor') });
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    await seen;
    await eventually(() => expect(websocket.sessions.length).toBeGreaterThan(0));
    websocket.close();
    polling.disconnect();
  }, 120_000);
});
