import type { RunningApp } from '../support/app';
import {
  buildWorld,
  connectDevice,
  connectSocket,
  connected,
  connectWard,
  eventually,
  reading,
  sessionBody,
  type World,
} from '../support/api';
import { query } from '../support/database';
import { useApp } from '../support/harness';

describe('device protocol (/devices)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;

  useApp({ world: 4 }, (started) => ({ db, app, world } = started));

  const storedRows = (deviceId: string) =>
    query<{ seq: string; session_id: string; hr: number | null }>(
      db.url,
      'SELECT seq, session_id, hr FROM readings WHERE device_id = $1 ORDER BY seq',
      [deviceId],
    );

  it('acknowledges a reading only once stored, stores it once, and shows it to its site only', async () => {
    const [device] = world.a.devices;
    const session = await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device!.id, world.protocolId));
    const wardA = await connectWard(world.a.nurse);
    const wardB = await connectWard(world.b.nurse);
    await Promise.all([wardA.snapshot, wardB.snapshot]);
    const client = await connectDevice(app.url, device!.token);
    expect(await client.resume).toEqual({ lastSeq: null, sessionId: session.id });

    const ack = await client.send(reading(1, { hr: 81, sbp: 128, dbp: 79 }));
    expect(ack).toEqual({ ok: true, seq: 1, duplicate: false });
    expect(await storedRows(device!.id)).toEqual([{ seq: '1', session_id: session.id, hr: 81 }]);

    await eventually(() => expect(wardA.vitals).toHaveLength(1));
    expect(wardA.vitals[0]).toMatchObject({
      sessionId: session.id,
      seq: 1,
      hr: 81,
      sbp: 128,
      dbp: 79,
      spo2: 98,
      rr: null,
      temp: null,
    });

    expect(await client.send(reading(1, { hr: 81, sbp: 128, dbp: 79 }))).toEqual({ ok: true, seq: 1, duplicate: true });
    expect(await storedRows(device!.id)).toHaveLength(1);

    const conflict = await client.send(reading(1, { hr: 99 }));
    expect(conflict).toMatchObject({ ok: false, seq: 1, error: { code: 'seq_conflict' } });
    expect(await storedRows(device!.id)).toEqual([{ seq: '1', session_id: session.id, hr: 81 }]);

    await new Promise((r) => setTimeout(r, 200));
    expect(wardB.vitals).toHaveLength(0);
    expect(wardA.vitals).toHaveLength(1);
    client.close();
    wardA.close();
    wardB.close();
  });

  it('answers every kind of bad input with a coded error and stores nothing', async () => {
    const device = world.a.devices[1]!;
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const client = await connectDevice(app.url, device.token);
    await client.resume;
    const cases: [unknown, string, string | undefined][] = [
      [{ seq: 1, recordedAt: new Date().toISOString(), hr: 301 }, 'validation_failed', 'hr'],
      [{ seq: 2, recordedAt: new Date().toISOString(), sbp: 120, dbp: 130 }, 'validation_failed', 'dbp'],
      [{ seq: 3, recordedAt: 'yesterday', hr: 70 }, 'validation_failed', 'recordedAt'],
      [{ seq: -1, recordedAt: new Date().toISOString(), hr: 70 }, 'validation_failed', 'seq'],
      [{ seq: 4, recordedAt: new Date().toISOString() }, 'validation_failed', 'reading'],
      [{ seq: 5, recordedAt: new Date().toISOString(), hr: 70, note: 'x' }, 'validation_failed', 'note'],
      [{ seq: 6, recordedAt: new Date().toISOString(), hr: '70' }, 'validation_failed', 'hr'],
      [{ seq: 7, recordedAt: new Date(Date.now() + 6 * 60_000).toISOString(), hr: 70 }, 'clock_skew', undefined],
      ['not a reading', 'validation_failed', 'reading'],
      [null, 'validation_failed', 'reading'],
    ];
    for (const [input, code, field] of cases) {
      const ack = await client.send(input);
      expect(ack.ok).toBe(false);
      if (!ack.ok) {
        expect(ack.error.code).toBe(code);
        expect(ack.error.field).toBe(field);
        expect(typeof ack.error.message).toBe('string');
      }
    }
    expect(await storedRows(device.id)).toHaveLength(0);
    // The socket is still usable after all that.
    expect(await client.send(reading(10))).toMatchObject({ ok: true, seq: 10 });
    client.close();
  });

  it('takes a batch and answers one result per item, in order', async () => {
    const device = world.a.devices[2]!;
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const client = await connectDevice(app.url, device.token);
    await client.resume;
    const batch = [reading(1), reading(2, { hr: 500 }), reading(3), reading(1), reading(3, { hr: 1 })];
    const ack = await client.sendBatch(batch);
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.results.map((r) => (r.ok ? (r.duplicate ? 'dup' : 'ok') : r.error.code))).toEqual([
      'ok',
      'validation_failed',
      'ok',
      'dup',
      'seq_conflict',
    ]);
    expect((await storedRows(device.id)).map((r) => r.seq)).toEqual(['1', '3']);
    expect(await client.sendBatch([])).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await client.sendBatch(Array.from({ length: 501 }, (_, i) => reading(100 + i)))).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await client.sendBatch({ seq: 1 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await storedRows(device.id)).toHaveLength(2);

    const large = Array.from({ length: 500 }, (_, i) => reading(1000 + i, {}, Date.now() - 1_250_000));
    const bulk = await client.sendBatch(large);
    expect(bulk.ok && bulk.results.every((r) => r.ok)).toBe(true);
    expect(await storedRows(device.id)).toHaveLength(502);
    client.close();
  });

  it('refuses readings when no open session is bound, and after the session ends', async () => {
    const device = world.b.devices[0]!;
    const client = await connectDevice(app.url, device.token);
    expect(await client.resume).toEqual({ lastSeq: null, sessionId: null });
    expect(await client.send(reading(1))).toMatchObject({ ok: false, seq: 1, error: { code: 'no_active_session' } });

    const bound = new Promise((resolve) => client.socket.once('session', resolve));
    const session = await world.b.nurse.ok('/sessions', sessionBody(world.b.siteId, device.id, world.protocolId));
    expect(await bound).toEqual({ sessionId: session.id, phase: 'baseline' });
    expect(await client.send(reading(2))).toMatchObject({ ok: true });

    const unbound = new Promise((resolve) => client.socket.once('session', resolve));
    await world.b.nurse.ok(`/sessions/${session.id}/abort`, { reason: 'patient declined' });
    expect(await unbound).toEqual({ sessionId: null, phase: 'aborted' });
    expect(await client.send(reading(3))).toMatchObject({ ok: false, error: { code: 'no_active_session' } });
    expect((await storedRows(device.id)).map((r) => r.seq)).toEqual(['2']);
    client.close();
  });

  it('refuses bad and missing tokens in the handshake, on both namespaces', async () => {
    for (const [namespace, auth] of [
      ['/devices', {}],
      ['/devices', { token: 'imd_not-a-real-token' }],
      ['/devices', { token: world.a.nurse.token }],
      ['/ward', {}],
      ['/ward', { token: 'garbage' }],
      ['/ward', { token: world.a.devices[0]!.token }],
    ] as const) {
      const socket = connectSocket(app.url, namespace, auth);
      await expect(connected(socket)).rejects.toThrow('unauthorized');
      expect(socket.connected).toBe(false);
      socket.close();
    }
  });

  it('drops a revoked device at once and refuses its token afterwards', async () => {
    const device = world.a.devices[3]!;
    const client = await connectDevice(app.url, device.token);
    await client.resume;
    const dropped = new Promise((resolve) => client.socket.once('disconnect', resolve));
    const revoked = await world.admin.post(`/devices/${device.id}/revoke`);
    expect(revoked.status).toBe(201);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect(await dropped).toBe('io server disconnect');
    await expect(connected(connectSocket(app.url, '/devices', { token: device.token }))).rejects.toThrow(
      'unauthorized',
    );
  });
});

describe('per-device rate limit', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;

  useApp({ env: { DEVICE_RATE_BURST: '20', DEVICE_RATE_PER_SECOND: '1' } }, (started) => ({ db, app } = started));

  it('limits a flooding device without starving a well-behaved one', async () => {
    const world = await buildWorld(app.url, 2);
    const [flooder, polite] = world.a.devices;
    for (const device of [flooder!, polite!]) {
      await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    }
    const noisy = await connectDevice(app.url, flooder!.token);
    const quiet = await connectDevice(app.url, polite!.token);
    const flood = await noisy.sendBatch(Array.from({ length: 50 }, (_, i) => reading(i + 1)));
    const codes = flood.ok ? flood.results.map((r) => (r.ok ? 'ok' : r.error.code)) : [];
    expect(codes.filter((c) => c === 'ok')).toHaveLength(20);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(30);
    expect(await quiet.send(reading(1))).toMatchObject({ ok: true });
    const rows = await query(db.url, 'SELECT count(*)::int AS n FROM readings WHERE device_id = $1', [flooder!.id]);
    expect(rows[0]).toEqual({ n: 20 });
    noisy.close();
    quiet.close();
  });
});
