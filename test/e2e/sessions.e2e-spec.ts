import type { RunningApp } from '../support/app';
import {
  connectDevice,
  connectWard,
  eventually,
  reading,
  sessionBody,
  streamBaseline,
  type World,
} from '../support/api';
import { useApp } from '../support/harness';

describe('sessions and the ward', () => {
  let app: RunningApp;
  let world: World;

  // A backlog of 3,000 readings in one go is more than the default per-device burst allows.
  useApp({ env: { DEVICE_RATE_BURST: '10000' }, world: 3 }, (started) => ({ app, world } = started));

  it('runs a session through its phases and refuses wrong transitions with 409', async () => {
    const { nurse, siteId, devices } = world.a;
    const created = await nurse.post('/sessions', sessionBody(siteId, devices[0]!.id, world.protocolId));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      phase: 'baseline',
      siteId,
      deviceId: devices[0]!.id,
      weightKg: 72.5,
      seriesNumber: 1,
    });
    const id = created.body.id as string;

    expect((await nurse.post(`/sessions/${id}/infusion-end`)).status).toBe(409);
    const device = await streamBaseline(app.url, devices[0]!.token);
    const started = await nurse.post(`/sessions/${id}/infusion-start`, {});
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ phase: 'infusing', infusionStartedAt: expect.any(String) });
    const again = await nurse.post(`/sessions/${id}/infusion-start`, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringContaining('infusing'),
    });
    const ended = await nurse.post(`/sessions/${id}/infusion-end`);
    expect(ended.body).toMatchObject({ phase: 'recovery', infusionEndedAt: expect.any(String) });
    expect((await nurse.post(`/sessions/${id}/abort`, {})).status).toBe(400);
    const aborted = await nurse.post(`/sessions/${id}/abort`, { reason: 'vomiting' });
    expect(aborted.body).toMatchObject({ phase: 'aborted', abortReason: 'vomiting', endedAt: expect.any(String) });
    expect((await nurse.post(`/sessions/${id}/abort`, { reason: 'again' })).status).toBe(409);

    const fetched = await nurse.get(`/sessions/${id}`);
    expect(fetched.body).toMatchObject({ id, phase: 'aborted', baseline: { sbp: 122, dbp: 78, hr: 72, spo2: 98 } });
    device.close();
  });

  it('allows one open session per device', async () => {
    const { nurse, siteId, devices } = world.a;
    const first = await nurse.ok('/sessions', sessionBody(siteId, devices[1]!.id, world.protocolId));
    const second = await nurse.post('/sessions', sessionBody(siteId, devices[1]!.id, world.protocolId));
    expect(second.status).toBe(409);
    await nurse.ok(`/sessions/${first.id}/abort`, { reason: 'wrong chair' });
    expect((await nurse.post('/sessions', sessionBody(siteId, devices[1]!.id, world.protocolId))).status).toBe(201);
  });

  it('validates a new session field by field', async () => {
    const { nurse, siteId, devices } = world.a;
    const bad = await nurse.post('/sessions', {
      ...sessionBody(siteId, devices[2]!.id, world.protocolId),
      weightKg: 'heavy',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('weightKg');
    expect(bad.body.message).toContain('extra');
    const noConsent = await nurse.post('/sessions', {
      ...sessionBody(siteId, devices[2]!.id, world.protocolId),
      consent: {},
    });
    expect(noConsent.status).toBe(400);
    expect((await nurse.request('POST', '/api/v1/sessions', '{not json')).status).toBe(400);
  });

  it('keeps every site\u2019s sessions away from other sites (404, never 403)', async () => {
    const session = await world.b.nurse.ok(
      '/sessions',
      sessionBody(world.b.siteId, world.b.devices[0]!.id, world.protocolId),
    );
    const outsider = world.a.nurse;
    expect((await outsider.get(`/sessions/${session.id}`)).status).toBe(404);
    expect((await outsider.get(`/sessions/${session.id}/readings`)).status).toBe(404);
    expect((await outsider.post(`/sessions/${session.id}/abort`, { reason: 'not mine' })).status).toBe(404);
    expect((await outsider.get(`/sessions?siteId=${world.b.siteId}`)).body).toEqual([]);
    const list = (await outsider.get('/sessions')).body as { siteId: string }[];
    expect(list.every((s) => s.siteId === world.a.siteId)).toBe(true);
    // Another site's site or device cannot be used to create a session either.
    expect(
      (await outsider.post('/sessions', sessionBody(world.b.siteId, world.b.devices[1]!.id, world.protocolId))).status,
    ).toBe(404);
    expect(
      (await outsider.post('/sessions', sessionBody(world.a.siteId, world.b.devices[1]!.id, world.protocolId))).status,
    ).toBe(404);
    expect((await world.b.nurse.get(`/sessions/${session.id}`)).status).toBe(200);
    await world.b.nurse.ok(`/sessions/${session.id}/abort`, { reason: 'cleanup' });
  });

  it('gives a fresh ward screen a complete snapshot and keeps it live', async () => {
    const { nurse, siteId, devices } = world.a;
    const session = await nurse.ok(
      '/sessions',
      sessionBody(siteId, devices[2]!.id, world.protocolId, { chair: 'Chair 9' }),
    );
    const device = await streamBaseline(app.url, devices[2]!.token);
    expect(await device.send(reading(100, { hr: 77, sbp: 131, dbp: 82 }))).toMatchObject({ ok: true });

    const ward = await connectWard(world.a.clinician);
    const { sessions } = await ward.snapshot;
    const tile = sessions.find((s) => s.id === session.id);
    expect(tile).toMatchObject({
      chair: 'Chair 9',
      phase: 'baseline',
      latestVitals: { seq: 100, hr: 77, sbp: 131 },
      openAlerts: [],
    });
    expect(sessions.every((s) => s.siteId === siteId)).toBe(true);

    const other = await connectWard(world.b.nurse);
    expect((await other.snapshot).sessions.find((s) => s.id === session.id)).toBeUndefined();

    await nurse.ok(`/sessions/${session.id}/infusion-start`, {});
    await eventually(() => expect(ward.sessions.map((s) => s.phase)).toContain('infusing'));
    expect(ward.sessions.find((s) => s.phase === 'infusing')).toMatchObject({
      id: session.id,
      latestVitals: { hr: 77 },
    });
    expect(await device.send(reading(101, { hr: 90 }))).toMatchObject({ ok: true });
    await eventually(() => expect(ward.vitals.map((v) => v.hr)).toContain(90));
    await new Promise((r) => setTimeout(r, 200));
    expect(other.sessions).toHaveLength(0);
    expect(other.vitals).toHaveLength(0);
    ward.close();
    other.close();
    device.close();
  });

  it('returns a session\u2019s readings downsampled to maxPoints', async () => {
    const { nurse, siteId } = world.a;
    const device = await world.admin.ok('/devices', { siteId, name: 'trend monitor' });
    const session = await nurse.ok('/sessions', sessionBody(siteId, device.id, world.protocolId));
    const client = await connectDevice(app.url, device.token);
    await client.resume;
    // 3000 readings 100 ms apart, all within the 5 minutes a device's clock may be off the session's start.
    const start = Date.now() - 280_000;
    const at = (seq: number) => new Date(start + seq * 100).toISOString();
    for (let chunk = 0; chunk < 6; chunk++) {
      const batch = Array.from({ length: 500 }, (_, i) => {
        const seq = chunk * 500 + i + 1;
        return { ...reading(seq, { hr: seq === 1234 ? 160 : 70 + (seq % 5) }), recordedAt: at(seq) };
      });
      const ack = await client.sendBatch(batch);
      expect(ack.ok && ack.results.every((r) => r.ok)).toBe(true);
    }
    const full = await nurse.get(`/sessions/${session.id}/readings?maxPoints=5000`);
    expect(full.body).toMatchObject({ total: 3000, downsampled: false });
    expect(full.body.readings).toHaveLength(3000);
    const small = await nurse.get(`/sessions/${session.id}/readings?maxPoints=100`);
    expect(small.body.readings.length).toBeLessThanOrEqual(100);
    expect(small.body.downsampled).toBe(true);
    expect(small.body.readings.some((r: { hr: number }) => r.hr === 160)).toBe(true);
    const from = at(1000);
    const to = at(1999);
    const window = await nurse.get(`/sessions/${session.id}/readings?from=${from}&to=${to}&maxPoints=5000`);
    expect(window.body.total).toBe(1000);
    expect((await nurse.get(`/sessions/${session.id}/readings?maxPoints=abc`)).status).toBe(400);
    client.close();
  });
});
