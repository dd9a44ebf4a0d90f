import type { Alert, SessionSummary, VitalsEvent } from '../../libs/contracts/src/index';
import { startApp, type RunningApp } from '../support/app';
import {
  buildWorld,
  connectDevice,
  connectWard,
  eventually,
  reading,
  sessionBody,
  type WardClient,
  type World,
} from '../support/api';
import { Fleet, leaseOf, OwnedRedis, randomPrefix, SHARED_REDIS_URL } from '../support/cluster';
import { createTestDatabase, query } from '../support/database';

/**
 * Several instances behind one PostgreSQL and one Redis: ward fan-out across instances, one
 * detection engine per session (leases with fencing), failover when an instance is killed or
 * paused, and Redis going away under a running stream.
 */
/** Short enough for a quick failover, long enough for a loaded CI machine to renew in time. */
const LEASE_MS = 5_000;

const ownedBy = (app: RunningApp) => new RegExp(`-${app.child.pid}-[0-9a-f]+$`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function listen(ward: WardClient) {
  const alerts: Alert[] = [];
  const snapshots: { sessions: SessionSummary[] }[] = [];
  ward.socket.on('alert', (alert: Alert) => alerts.push(alert));
  ward.socket.on('snapshot', (snapshot: { sessions: SessionSummary[] }) => snapshots.push(snapshot));
  return { alerts, snapshots, vitals: ward.vitals as VitalsEvent[] };
}

describe('three instances on one database and one Redis', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: RunningApp;
  let b: RunningApp;
  let c: RunningApp;
  /** The instance killed in the failover test, and the one of A and B left running. */
  let victim: RunningApp;
  let survivor: RunningApp;
  let world: World;
  let fleet: Fleet;
  const sessions: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: randomPrefix(), ENGINE_LEASE_MS: String(LEASE_MS) };
    a = await startApp(db.url, env);
    [b, c] = await Promise.all([startApp(db.url, env), startApp(db.url, env)]);
    world = await buildWorld(a.url, 4);
  }, 120_000);

  afterAll(async () => {
    fleet?.close();
    await Promise.all([a, b, c].map((app) => app?.stop().catch(() => undefined)));
    await db?.drop();
  });

  it('binds, unbinds and revokes a device on one instance with effect on the others at once', async () => {
    const make = (name: string) => world.admin.withBase(c.url).ok('/devices', { siteId: world.a.siteId, name });
    const [bound, revoked] = [await make('cluster-bound'), await make('cluster-revoked')];
    const onA = await connectDevice(a.url, bound.token);
    expect((await onA.resume).sessionId).toBeNull(); // A now knows the device has no session
    const session = await world.a.nurse
      .withBase(c.url)
      .ok('/sessions', sessionBody(world.a.siteId, bound.id, world.protocolId));
    await eventually(async () => expect(await onA.send(reading(1))).toMatchObject({ ok: true, seq: 1 }));
    const unbound = new Promise((resolve) =>
      onA.socket.on('session', (s: { sessionId: string | null }) => s.sessionId === null && resolve(s)),
    );
    await world.a.nurse.withBase(b.url).ok(`/sessions/${session.id}/abort`, { reason: 'patient declined' });
    await unbound;
    expect(await onA.send(reading(2))).toMatchObject({ ok: false, error: { code: 'no_active_session' } });
    onA.close();

    const onB = await connectDevice(b.url, revoked.token);
    await onB.resume;
    const dropped = new Promise((resolve) => onB.socket.once('disconnect', resolve));
    await world.admin.withBase(c.url).ok(`/devices/${revoked.id}/revoke`);
    await dropped;
  });

  it('fans vitals and alerts out across instances, each engine on one instance, and fails over on SIGKILL', async () => {
    const devices = world.a.devices;
    // Sessions of the devices on A are opened on B (their engines run on B) and the other way round.
    for (const [i, device] of devices.entries()) {
      const nurse = world.a.nurse.withBase(i < 2 ? b.url : a.url);
      sessions.push((await nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId))).id);
    }
    const openedAt = Date.now();
    for (const [i, id] of sessions.entries()) {
      expect((await leaseOf(db.url, id))?.owner).toMatch(ownedBy(i < 2 ? b : a));
    }
    const wardA = listen(await connectWard(world.a.nurse.withBase(c.url)));
    const otherSite = listen(await connectWard(world.b.nurse.withBase(c.url)));
    // Devices 0 and 1 on A (then C, then B), devices 2 and 3 on B (then C).
    fleet = new Fleet(
      [
        [a.url, c.url, b.url],
        [a.url, c.url, b.url],
        [b.url, c.url],
        [b.url, c.url],
      ],
      devices,
    );
    await fleet.resumed();
    await fleet.baseline();
    // The infusion of session 2 (engine on A) is started through C: the phase reaches A's engine.
    for (const id of sessions) await world.a.nurse.withBase(c.url).ok(`/sessions/${id}/infusion-start`, {});
    fleet.start();
    await eventually(() => {
      for (const id of sessions) expect(wardA.vitals.some((v) => v.sessionId === id)).toBe(true);
    }, 10_000);

    // A high alert on session 2: its device is on B, its engine on A, the nurse on C.
    fleet.devices[2]!.send({ hr: 75, spo2: 97, sbp: 186, dbp: 96 });
    await eventually(() => {
      expect(wardA.alerts.find((x) => x.sessionId === sessions[2])).toMatchObject({
        severity: 'high',
        state: 'active',
      });
    }, 10_000);
    const alert = wardA.alerts.find((x) => x.sessionId === sessions[2])!;
    // An alert whose engine runs on B (session 0, device on A), acknowledged through C: sent to B.
    fleet.devices[0]!.send({ hr: 75, spo2: 97, sbp: 186, dbp: 96 });
    await eventually(() => expect(wardA.alerts.some((x) => x.sessionId === sessions[0])).toBe(true), 10_000);
    const onB = wardA.alerts.find((x) => x.sessionId === sessions[0])!;
    expect((await leaseOf(db.url, sessions[0]!))?.owner).not.toMatch(ownedBy(c));
    const routed = await world.a.nurse.withBase(c.url).post(`/alerts/${onB.id}/acknowledge`, {});
    expect(routed.status).toBe(200);
    expect(routed.body).toMatchObject({ id: onB.id, state: 'acknowledged' });
    // Live owners keep their leases: more than a lease period on, each engine is still where it was
    // opened, under its first epoch (renewals must never look like a lost lease and move the engine).
    await sleep(Math.max(0, openedAt + 1.5 * LEASE_MS - Date.now()));
    for (const [i, id] of sessions.entries()) {
      const lease = (await leaseOf(db.url, id))!;
      expect({ owner: lease.owner, epoch: lease.epoch, live: lease.live }).toEqual({
        owner: expect.stringMatching(ownedBy(i < 2 ? b : a)),
        epoch: 1,
        live: true,
      });
    }
    // The instance running the alerted session's engine is killed: A, where it was opened.
    const before = (await leaseOf(db.url, sessions[2]!))!;
    victim = a;
    survivor = b;

    const killedAt = Date.now();
    await victim.kill();
    // The lease lapses and B or C takes the session over, rebuilding the engine from the database.
    let takenOverMs = 0;
    await eventually(async () => {
      const after = (await leaseOf(db.url, sessions[2]!))!;
      expect(after.epoch).toBeGreaterThan(before.epoch);
      expect(after.live).toBe(true);
      takenOverMs = Date.now() - killedAt;
    }, 30_000);
    for (const id of sessions) {
      await eventually(async () => expect((await leaseOf(db.url, id))?.owner).not.toMatch(ownedBy(victim)), 30_000);
    }
    // A's devices are back (on C) and acknowledged again.
    const acknowledged = fleet.acknowledged();
    await eventually(() => expect(fleet.acknowledged()).toBeGreaterThan(acknowledged + 20), 30_000);

    // The alert goes on under its id on the new owner; acknowledged through C.
    const ack = await world.a.nurse.withBase(c.url).post(`/alerts/${alert.id}/acknowledge`, { note: 'seen' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: alert.id, state: 'acknowledged' });
    await eventually(() =>
      expect(wardA.alerts.filter((x) => x.id === alert.id).at(-1)).toMatchObject({ state: 'acknowledged' }),
    );
    const opened = await query<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM alert_transitions WHERE alert_id = $1 AND type = 'opened'`,
      [alert.id],
    );
    expect(opened[0]!.n).toBe(1);
    const all = await query<{ n: number }>(
      db.url,
      `SELECT count(DISTINCT id)::int AS n FROM alerts WHERE session_id = $1 AND kind = $2`,
      [sessions[2], alert.kind],
    );
    expect(all[0]!.n).toBe(1);

    await fleet.finish();
    await fleet.expectStoredExactlyOnce(db.url);
    expect(otherSite.vitals).toHaveLength(0);
    expect(otherSite.alerts).toHaveLength(0);
    console.log(`engine of the alerted session taken over ${takenOverMs} ms after SIGKILL (lease ${LEASE_MS} ms)`);
  }, 180_000);

  it('fences off an owner paused past its lease: after SIGCONT it writes nothing', async () => {
    fleet.start();
    // The engines the surviving one of A and B runs now (B: sessions 0 and 1 from the start, perhaps
    // more after the takeover); it is paused, and C (or nobody else: the other was killed) takes over.
    const paused = survivor;
    const onB: string[] = [];
    for (const id of sessions) if ((await leaseOf(db.url, id))?.owner.match(ownedBy(paused))) onB.push(id);
    expect(onB.length).toBeGreaterThan(0);
    const epochs = new Map<string, number>();
    for (const id of onB) epochs.set(id, (await leaseOf(db.url, id))!.epoch);

    paused.child.kill('SIGSTOP');
    try {
      for (const id of onB) {
        await eventually(async () => {
          const lease = (await leaseOf(db.url, id))!;
          expect(lease.owner).toMatch(ownedBy(c));
          expect(lease.epoch).toBeGreaterThan(epochs.get(id)!);
        }, 30_000);
      }
    } finally {
      paused.child.kill('SIGCONT');
    }
    // B wakes with its old engines, due ticks, state saves and wake-ups: every write is refused.
    await eventually(() => expect(paused.output()).toMatch(/engine lease taken over by another instance/), 15_000);
    await sleep(2 * LEASE_MS);
    for (const id of onB) {
      // Whoever runs the engine now holds a newer epoch than the paused owner did, and the saved state
      // is of that epoch: nothing was written under the old one.
      const lease = (await leaseOf(db.url, id))!;
      expect(lease.epoch).toBeGreaterThan(epochs.get(id)!);
      const [state] = await query<{ epoch: string | null }>(
        db.url,
        'SELECT epoch FROM session_engine_states WHERE session_id = $1',
        [id],
      );
      expect(Number(state!.epoch)).toBe(lease.epoch);
    }
    const duplicates = await query(
      db.url,
      `SELECT alert_id FROM alert_transitions WHERE session_id = ANY($1) AND type = 'opened' GROUP BY alert_id HAVING count(*) > 1`,
      [sessions],
    );
    expect(duplicates).toEqual([]);
    await fleet.finish();
    await fleet.expectStoredExactlyOnce(db.url);
    fleet.close();
  }, 120_000);
});

describe('Redis going away under a running stream', () => {
  let db: { url: string; drop: () => Promise<void> };
  let redis: OwnedRedis;
  let d: RunningApp;
  let e: RunningApp;
  let fleet: Fleet;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await OwnedRedis.create();
    // A long lease: the last test takes a lease over by hand and must act before the owner renews.
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: randomPrefix(), ENGINE_LEASE_MS: '60000' };
    [d, e] = await Promise.all([startApp(db.url, env), startApp(db.url, env)]);
  }, 120_000);

  afterAll(async () => {
    fleet?.close();
    await Promise.all([d, e].map((app) => app?.stop().catch(() => undefined)));
    await redis?.kill();
    await db?.drop();
  });

  it('stores and acknowledges every reading while Redis is down, then resumes the fan-out with a fresh snapshot', async () => {
    const world = await buildWorld(d.url, 2);
    for (const device of world.a.devices)
      await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const ward = listen(await connectWard(world.a.nurse.withBase(e.url)));
    await eventually(() => expect(ward.snapshots).toHaveLength(1));
    fleet = new Fleet([[d.url]], world.a.devices);
    await fleet.resumed();
    fleet.start();
    await eventually(() => expect(ward.vitals.length).toBeGreaterThan(4), 10_000);

    await redis.kill();
    const health = await fetch(`${d.url}/health/ready`).then((r) => r.json());
    expect(health).toMatchObject({ database: 'up', redis: 'down', status: 'degraded' });
    const before = fleet.acknowledged();
    await sleep(3_000);
    expect(fleet.acknowledged()).toBeGreaterThan(before + 10);

    await redis.start();
    await eventually(() => expect(ward.snapshots.length).toBeGreaterThanOrEqual(2), 20_000);
    const seen = ward.vitals.length;
    await eventually(() => expect(ward.vitals.length).toBeGreaterThan(seen + 4), 10_000);
    expect(await fetch(`${d.url}/health/ready`).then((r) => r.json())).toMatchObject({ redis: 'up', status: 'ok' });
    await fleet.finish();
    await fleet.expectStoredExactlyOnce(db.url);
    fleet.close();
  }, 120_000);

  it('refuses the writes of an engine whose lease was taken over (fencing by epoch)', async () => {
    const world = await buildWorld(d.url, 1);
    const [device] = world.a.devices;
    const session = await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device!.id, world.protocolId));
    fleet = new Fleet([[e.url]], [device!]);
    await fleet.resumed();
    await fleet.baseline();
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});
    fleet.devices[0]!.send({ hr: 75, spo2: 97, sbp: 186, dbp: 96 });
    await fleet.finish();
    let alertId = '';
    await eventually(async () => {
      const [row] = await query<{ id: string }>(db.url, `SELECT id FROM alerts WHERE session_id = $1`, [session.id]);
      alertId = row!.id;
    }, 10_000);
    const lease = (await leaseOf(db.url, session.id))!;
    const owner = [d, e].find((app) => ownedBy(app).test(lease.owner))!;
    // What a takeover by another instance does, while the owner is not looking.
    await query(
      db.url,
      `UPDATE engine_leases SET owner = 'elsewhere', epoch = epoch + 1, expires_at = now() + interval '1 hour'
        WHERE session_id = $1`,
      [session.id],
    );
    const refused = await world.a.nurse.withBase(owner.url).post(`/alerts/${alertId}/acknowledge`, {});
    expect(refused.status).toBe(503);
    const [row] = await query<{ state: string }>(db.url, 'SELECT state FROM alerts WHERE id = $1', [alertId]);
    expect(row!.state).toBe('active');
    const transitions = await query(
      db.url,
      `SELECT 1 FROM alert_transitions WHERE alert_id = $1 AND type <> 'opened'`,
      [alertId],
    );
    expect(transitions).toEqual([]);
    // The log line reaches the captured output a moment after the answer.
    await eventually(() => expect(owner.output()).toMatch(/engine lease taken over by another instance/), 5_000);
  }, 120_000);
});
