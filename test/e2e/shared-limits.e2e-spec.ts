import { ADMIN, startApp, type RunningApp } from '../support/app';
import { Api, buildWorld, connectDevice, eventually, reading, sessionBody, unique, type World } from '../support/api';
import { createTestDatabase } from '../support/database';
import { startRedis, type RunningRedis } from '../support/redis';

const limitsShared = async (app: RunningApp) => {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(/^im_limits_shared (\d)/m.exec(text)?.[1]);
};

/** Two instances of the service on one database and one Redis count the same limits. */
describe('limits shared by several instances (Redis)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let redis: RunningRedis;
  let a: RunningApp;
  let b: RunningApp;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startRedis();
    const env = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      LOGIN_MAX_FAILURES: '4',
      DEVICE_RATE_BURST: '10',
      DEVICE_RATE_PER_SECOND: '1',
    };
    a = await startApp(db.url, env);
    b = await startApp(db.url, env);
    world = await buildWorld(a.url, 2);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await db?.drop();
  });

  it('adds up failed logins made on either instance', async () => {
    const username = unique('shared').toLowerCase();
    const password = 'right-password-123';
    await world.admin.ok('/users', { username, displayName: 'Shared', role: 'nurse', password, siteIds: [] });
    const onA = new Api(a.url);
    const onB = new Api(b.url);
    for (const api of [onA, onB, onA, onB]) {
      expect((await api.post('/auth/login', { username, password: 'wrong-password-1' })).status).toBe(401);
    }
    for (const api of [onA, onB]) {
      const refused = await api.post('/auth/login', { username, password });
      expect(refused.status).toBe(429);
      expect(refused.body.details.retryAfterSeconds).toBeGreaterThan(200);
    }
  });

  it("shares a device's reading budget between the instances it connects to", async () => {
    const device = world.a.devices[0]!;
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const onA = await connectDevice(a.url, device.token);
    await onA.resume;
    for (let seq = 1; seq <= 10; seq++) expect(await onA.send(reading(seq))).toMatchObject({ ok: true });
    onA.close();
    const onB = await connectDevice(b.url, device.token);
    await onB.resume;
    const acks = [];
    for (let seq = 11; seq <= 20; seq++) acks.push(await onB.send(reading(seq)));
    onB.close();
    // The budget refills at 1 per second while the test runs; alone, B would have taken all ten.
    const refused = acks.filter((ack) => !ack.ok && ack.error.code === 'rate_limited');
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(acks.filter((ack) => ack.ok).length + refused.length).toBe(10);
  });

  it('keeps storing and acknowledging readings when Redis is gone, and says so once', async () => {
    const device = world.a.devices[1]!;
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    await redis.kill();
    const client = await connectDevice(b.url, device.token);
    await client.resume;
    for (let seq = 1; seq <= 8; seq++)
      expect(await client.send(reading(seq))).toEqual({ ok: true, seq, duplicate: false });
    // The budget is counted locally now: the burst of 10 still holds.
    const over = await Promise.all([9, 10, 11, 12, 13].map((seq) => client.send(reading(seq))));
    expect(over.some((ack) => !ack.ok && ack.error.code === 'rate_limited')).toBe(true);
    client.close();
    // Logins still work (and are counted locally).
    expect(
      (await new Api(b.url).post('/auth/login', { username: 'nobody', password: 'wrong-password-1' })).status,
    ).toBe(401);
    await eventually(() => expect(b.output()).toContain('Redis does not answer'));
    expect(b.output().split('Redis does not answer').length - 1).toBe(1);
    expect(await limitsShared(b)).toBe(0);
  });

  it('shares the limits again once Redis is back', async () => {
    redis = await startRedis(redis);
    const username = unique('again').toLowerCase();
    const password = 'right-password-123';
    await world.admin.ok('/users', { username, displayName: 'Again', role: 'nurse', password, siteIds: [] });
    // Each instance tries Redis again within a few seconds of a request; until then it counts alone.
    await eventually(async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await Promise.all([a, b].map((app) => new Api(app.url).login(ADMIN.username, ADMIN.password)));
      expect(await limitsShared(a)).toBe(1);
      expect(await limitsShared(b)).toBe(1);
    }, 20_000);
    const onA = new Api(a.url);
    const onB = new Api(b.url);
    for (const api of [onA, onB, onA, onB]) {
      expect((await api.post('/auth/login', { username, password: 'wrong-password-1' })).status).toBe(401);
    }
    expect((await onB.post('/auth/login', { username, password })).status).toBe(429);
  });
});
