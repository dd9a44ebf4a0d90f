import { startApp, type RunningApp } from '../support/app';
import { buildWorld, connectDevice, eventually, reading, sessionBody, type DeviceClient } from '../support/api';
import { OwnedDatabase, query } from '../support/database';

/**
 * The service against a PostgreSQL this test owns, so it can stop the database under a running
 * service and restart the service under running devices.
 */
describe('storage outages and restarts', () => {
  let database: OwnedDatabase;
  let app: RunningApp;

  beforeAll(async () => {
    database = await OwnedDatabase.create();
    app = await startApp(database.url);
  });

  afterAll(async () => {
    await app?.stop();
    await database?.destroy();
  });

  const count = async () => (await query<{ n: number }>(database.url, 'SELECT count(*)::int AS n FROM readings'))[0]!.n;

  it('answers unavailable while the database is down and recovers by itself when it returns', async () => {
    const world = await buildWorld(app.url, 1);
    const device = world.a.devices[0]!;
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const client: DeviceClient = await connectDevice(app.url, device.token);
    await client.resume;
    expect(await client.send(reading(1))).toMatchObject({ ok: true });

    await database.stop();
    const during = await client.send(reading(2));
    expect(during).toMatchObject({ ok: false, seq: 2, error: { code: 'unavailable' } });
    const batch = await client.sendBatch([reading(3), reading(4)]);
    expect(batch.ok && batch.results.map((r) => !r.ok && r.error.code)).toEqual(['unavailable', 'unavailable']);
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(503);

    await database.start();
    // The device resends what was refused; the service reconnects to the database on its own.
    await eventually(
      async () => expect(await client.send(reading(2))).toMatchObject({ ok: true, duplicate: false }),
      20_000,
    );
    const resent = await client.sendBatch([reading(3), reading(4), reading(5)]);
    expect(resent.ok && resent.results.every((r) => r.ok && !r.duplicate)).toBe(true);
    expect(await count()).toBe(5);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    client.close();
  });

  it('reports the last stored seq in resume after a crash and restart, and stores resends once', async () => {
    const world = await buildWorld(app.url, 1);
    const device = world.a.devices[0]!;
    const session = await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    let client = await connectDevice(app.url, device.token);
    await client.resume;
    const acked: number[] = [];
    for (let seq = 1; seq <= 30; seq++) {
      const ack = await client.send(reading(seq));
      if (ack.ok) acked.push(seq);
    }
    expect(acked).toHaveLength(30);
    client.close();

    await app.kill();
    app = await startApp(database.url);
    client = await connectDevice(app.url, device.token);
    expect(await client.resume).toEqual({ lastSeq: 30, sessionId: session.id });

    const again = await client.sendBatch(Array.from({ length: 10 }, (_, i) => reading(26 + i)));
    expect(again.ok && again.results.map((r) => r.ok && r.duplicate)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    const rows = await query<{ n: number; max: string }>(
      database.url,
      'SELECT count(*)::int AS n, max(seq) AS max FROM readings WHERE device_id = $1',
      [device.id],
    );
    expect(rows[0]).toEqual({ n: 35, max: '35' });
    client.close();
  });

  it('commits and acknowledges pending readings on a graceful shutdown', async () => {
    const world = await buildWorld(app.url, 1);
    const device = world.a.devices[0]!;
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const client = await connectDevice(app.url, device.token);
    await client.resume;
    const pending = client.sendBatch(Array.from({ length: 300 }, (_, i) => reading(i + 1)));
    await new Promise((r) => setTimeout(r, 5));
    const stopped = app.stop();
    const ack = await pending.catch(() => null);
    expect(await stopped).toBe(0);
    const stored = await query<{ seq: string }>(database.url, 'SELECT seq FROM readings WHERE device_id = $1', [
      device.id,
    ]);
    const storedSeqs = new Set(stored.map((r) => Number(r.seq)));
    // The pending batch is answered before the socket closes: stored, or refused as unavailable.
    expect(ack?.ok).toBe(true);
    if (!ack?.ok) return;
    for (const result of ack.results) {
      if (result.ok) expect(storedSeqs.has(result.seq)).toBe(true);
      else expect(result.error.code).toBe('unavailable');
    }
    expect(storedSeqs.size).toBe(ack.results.filter((r) => r.ok).length);
    app = await startApp(database.url);
    await eventually(async () => expect((await fetch(`${app.url}/health/ready`)).status).toBe(200));
  });
});
