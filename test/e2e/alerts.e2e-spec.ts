import { DEFAULT_IV_RULES } from '#vitals';
import type { Alert } from '../../libs/contracts/src/index';
import { startApp, type RunningApp } from '../support/app';
import { connectWard, eventually, unique, type World } from '../support/api';
import { query } from '../support/database';
import { LiveMonitor } from './live-monitor';
import { useApp } from '../support/harness';

describe('alerts over real sockets', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;

  useApp({ world: 0 }, (started) => ({ db, app, world } = started));

  const chair = (name: string) => LiveMonitor.atChair(world, app.url, { deviceName: name, extra: { chair: name } });

  const bpAlerts = (alerts: Alert[], sessionId: string) =>
    alerts.filter((a) => a.sessionId === sessionId && a.kind === 'bp_rise');

  it('refuses to start an infusion without a baseline or above the pre-dose limits, unless a clinician overrides', async () => {
    const { session, monitor } = await chair('Gate chair');
    const missing = await world.a.nurse.post(`/sessions/${session.id}/infusion-start`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.details.blockers).toEqual(['baseline_missing']);

    await monitor.baseline(150, 95);
    const high = await world.a.nurse.post(`/sessions/${session.id}/infusion-start`, {});
    expect(high.status).toBe(422);
    expect(high.body.details.blockers).toEqual(['predose_bp_high']);
    expect(high.body.message).toMatch(/150/);
    const nurseOverride = await world.a.nurse.post(`/sessions/${session.id}/infusion-start`, {
      overrideReason: 'white-coat, rechecked',
    });
    expect(nurseOverride.status).toBe(403);
    const override = await world.a.clinician.post(`/sessions/${session.id}/infusion-start`, {
      overrideReason: 'Known white-coat hypertension; manual 138/88',
    });
    expect(override.status).toBe(200);
    expect(override.body).toMatchObject({
      phase: 'infusing',
      infusionOverrideReason: 'Known white-coat hypertension; manual 138/88',
      baseline: { sbp: 150, dbp: 95, hr: 72 },
    });
    monitor.close();
  });

  it('raises a confirmed BP rise live, takes an acknowledgement, and resolves it when values fall back', async () => {
    const ward = await connectWard(world.a.nurse);
    const alerts: Alert[] = [];
    ward.socket.on('alert', (alert: Alert) => alerts.push(alert));
    const other = await connectWard(world.b.nurse);
    const leaked: Alert[] = [];
    other.socket.on('alert', (alert: Alert) => leaked.push(alert));

    const { session, monitor } = await chair('Rise chair');
    await monitor.baseline(120, 80);
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});

    await monitor.cuff(150, 84); // +25%: one reading is not enough
    await new Promise((r) => setTimeout(r, 300));
    expect(bpAlerts(alerts, session.id)).toHaveLength(0);
    await monitor.cuff(152, 86); // confirmed
    await eventually(() =>
      expect(bpAlerts(alerts, session.id).at(-1)).toMatchObject({ state: 'active', severity: 'medium' }),
    );
    const raised = bpAlerts(alerts, session.id).at(-1)!;
    expect(raised.message).toContain('144');
    expect(raised.baseline).toMatchObject({ sbp: 120, dbp: 80 });

    const ack = await world.a.nurse.post(`/alerts/${raised.id}/acknowledge`, { note: 'anxious, will recheck' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      id: raised.id,
      state: 'acknowledged',
      acknowledgementNote: 'anxious, will recheck',
    });
    expect(ack.body.acknowledgedBy.displayName).toContain('nurse');
    await eventually(() => expect(bpAlerts(alerts, session.id).at(-1)).toMatchObject({ state: 'acknowledged' }));
    expect((await world.a.nurse.post(`/alerts/${raised.id}/acknowledge`, {})).status).toBe(409);
    expect((await world.b.nurse.post(`/alerts/${raised.id}/acknowledge`, {})).status).toBe(404);

    await monitor.cuff(126, 80);
    await eventually(() =>
      expect(bpAlerts(alerts, session.id).at(-1)).toMatchObject({ id: raised.id, state: 'resolved' }),
    );
    const listed = await world.a.nurse.get(`/sessions/${session.id}/alerts`);
    const stored = listed.body.filter((a: Alert) => a.kind === 'bp_rise');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: raised.id, state: 'resolved', durationSeconds: expect.any(Number) });
    expect(leaked).toHaveLength(0);
    ward.close();
    other.close();
    monitor.close();
  });

  it('latches a high alert that clears unacknowledged until someone acknowledges it', async () => {
    const ward = await connectWard(world.a.clinician);
    const alerts: Alert[] = [];
    ward.socket.on('alert', (alert: Alert) => alerts.push(alert));
    const { session, monitor } = await chair('Latch chair');
    await monitor.baseline(118, 76);
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});

    await monitor.cuff(186, 96);
    await eventually(() =>
      expect(bpAlerts(alerts, session.id).at(-1)).toMatchObject({ state: 'active', severity: 'high' }),
    );
    await monitor.cuff(124, 78);
    await eventually(() =>
      expect(bpAlerts(alerts, session.id).at(-1)).toMatchObject({ state: 'cleared', clearedAt: expect.any(String) }),
    );
    const id = bpAlerts(alerts, session.id).at(-1)!.id;

    const fresh = await connectWard(world.a.nurse);
    const tile = (await fresh.snapshot).sessions.find((s) => s.id === session.id)!;
    expect(tile.openAlerts.map((a) => [a.id, a.state])).toContainEqual([id, 'cleared']);

    const ack = await world.a.nurse.post(`/alerts/${id}/acknowledge`, {});
    expect(ack.body).toMatchObject({ state: 'resolved' });
    await eventually(() => expect(bpAlerts(alerts, session.id).at(-1)).toMatchObject({ id, state: 'resolved' }));
    fresh.close();
    ward.close();
    monitor.close();
  });

  it('saves the engine state every 15 s while readings flow, and raises signal_lost the protocol’s seconds after the last reading', async () => {
    // A clinic's protocol with signal_lost after 10 s of silence and episodes ending after 3 s of
    // normal signal, instead of the defaults' 60 s and 30 s (whose values the unit tests hold): the
    // same rules on the real clock, in a fraction of the time.
    const protocol = await world.admin.ok('/protocols', {
      key: unique('quick-signal-lost'),
      name: 'IV ketamine, signal lost after 10 s',
      route: 'iv',
      rules: {
        ...DEFAULT_IV_RULES,
        signalLost: { ...DEFAULT_IV_RULES.signalLost, noReadingSeconds: 10 },
        episode: { ...DEFAULT_IV_RULES.episode, clearSeconds: 3 },
      },
    });
    const ward = await connectWard(world.a.nurse);
    const alerts: Alert[] = [];
    ward.socket.on('alert', (alert: Alert) => alerts.push(alert));
    const { session, monitor } = await LiveMonitor.atChair(world, app.url, {
      deviceName: 'Silent chair',
      extra: { chair: 'Silent chair' },
      protocolId: protocol.id,
    });
    await monitor.baseline(120, 80);
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});

    // 32 s of normal readings, one a second; each second, when the state was last saved.
    const saves = new Set<number>();
    for (let second = 0; second < 32; second++) {
      await monitor.stream(1, () => ({ hr: 72, spo2: 98 }));
      const [row] = await query<{ ms: string }>(
        db.url,
        'SELECT (extract(epoch FROM updated_at) * 1000)::bigint AS ms FROM session_engine_states WHERE session_id = $1',
        [session.id],
      );
      if (row) saves.add(Number(row.ms));
      await new Promise((r) => setTimeout(r, 1000));
    }
    const lastReadingMs = Date.now() - 1000;
    // Saved at the infusion start, then on the session's turn every 15 s: at least two more in 32 s.
    const times = [...saves].sort((a, b) => a - b);
    expect(times.length).toBeGreaterThanOrEqual(3);
    const gaps = times.slice(2).map((t, i) => t - times[i + 1]!);
    for (const gap of gaps) expect(gap).toBeGreaterThan(13_000);
    for (const gap of gaps) expect(gap).toBeLessThan(18_000);
    expect(alerts.filter((a) => a.sessionId === session.id)).toHaveLength(0);

    // Then silence: the monitor stays connected and sends nothing.
    await eventually(
      () =>
        expect(alerts.find((a) => a.sessionId === session.id && a.kind === 'signal_lost')).toMatchObject({
          state: 'active',
          severity: 'medium',
          message: 'No reading for 10 s',
        }),
      30_000,
    );
    const lost = alerts.find((a) => a.sessionId === session.id && a.kind === 'signal_lost')!;
    // Stamped 10 s after the last reading's recordedAt (the reading was sent about a second before).
    expect(Date.parse(lost.openedAt) - lastReadingMs).toBeGreaterThan(9_000);
    expect(Date.parse(lost.openedAt) - lastReadingMs).toBeLessThan(12_000);

    // The signal is back once it has lasted 3 s: the monitor sends the last 5 s it buffered, all
    // taken after the alert's onset (it is announced 5 s after it, when the tick's grace is over).
    await monitor.stream(5, () => ({ hr: 72, spo2: 98 }));
    await eventually(() => expect(alerts.filter((a) => a.id === lost.id).at(-1)).toMatchObject({ state: 'resolved' }));
    const stored = (await world.a.nurse.get(`/sessions/${session.id}/alerts`)).body as Alert[];
    expect(stored.filter((a) => a.kind === 'signal_lost')).toHaveLength(1);
    ward.close();
    monitor.close();
  }, 120_000);

  it('continues the same alert after the service is killed mid-episode, without raising it twice', async () => {
    const { session, monitor, device } = await chair('Crash chair');
    await monitor.baseline(120, 80);
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});
    await monitor.cuff(190, 100);
    await eventually(async () => {
      const listed = await world.a.nurse.get(`/sessions/${session.id}/alerts`);
      expect(listed.body.filter((a: Alert) => a.kind === 'bp_rise')).toHaveLength(1);
    });
    const before = (await world.a.nurse.get(`/sessions/${session.id}/alerts`)).body.find(
      (a: Alert) => a.kind === 'bp_rise',
    );
    monitor.close();

    await app.kill();
    app = await startApp(db.url);
    const nurse = world.a.nurse.withBase(app.url);
    const again = await LiveMonitor.connect(app.url, device.token);
    await again.cuff(204, 104);
    await eventually(async () => {
      const listed = (await nurse.get(`/sessions/${session.id}/alerts`)).body.filter(
        (a: Alert) => a.kind === 'bp_rise',
      );
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        id: before.id,
        openedAt: before.openedAt,
        peak: expect.objectContaining({ sbp: 204 }),
      });
    });
    const opened = await query(
      db.url,
      `SELECT count(*)::int AS n FROM alert_transitions WHERE alert_id = $1 AND type = 'opened'`,
      [before.id],
    );
    expect(opened).toEqual([{ n: 1 }]);
    again.close();
  });
});
