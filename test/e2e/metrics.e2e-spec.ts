import { startApp, type RunningApp } from '../support/app';
import { connectDevice, connectWard, eventually, reading, sessionBody, type World } from '../support/api';
import { LiveMonitor } from './live-monitor';
import { useApp } from '../support/harness';

/** The value of one sample of the Prometheus text format, e.g. `im_sockets{namespace="/ward"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no sample ${series} in:\n${text.slice(0, 2000)}`);
  return Number(line.slice(series.length + 1));
}

describe('Prometheus metrics (/metrics)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;

  useApp({ world: 2 }, (started) => ({ db, app, world } = started));

  const scrape = async (base = app.url) => {
    const response = await fetch(`${base}/metrics`);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('is served to loopback without a token, and its figures follow readings, sockets and sessions', async () => {
    const before = await scrape();
    expect(before.status).toBe(200);
    expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(sample(before.text, 'im_db_pool_waiting')).toBe(0);
    expect(sample(before.text, 'im_sessions_open')).toBe(0);
    expect(sample(before.text, 'im_engines_owned')).toBe(0);
    expect(sample(before.text, 'im_reading_ack_seconds_count')).toBe(0);

    const device = world.a.devices[0]!;
    await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const ward = await connectWard(world.a.nurse);
    await ward.snapshot;
    const client = await connectDevice(app.url, device.token);
    await client.resume;
    for (let seq = 1; seq <= 5; seq++) expect(await client.send(reading(seq))).toMatchObject({ ok: true });
    expect(await client.send(reading(5))).toMatchObject({ ok: true, duplicate: true });
    expect(await client.send(reading(6, { hr: 9999 }))).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });

    const after = (await scrape()).text;
    expect(sample(after, 'im_reading_acks_total{outcome="stored"}')).toBe(5);
    expect(sample(after, 'im_reading_acks_total{outcome="duplicate"}')).toBe(1);
    expect(sample(after, 'im_reading_acks_total{outcome="validation_failed"}')).toBe(1);
    expect(sample(after, 'im_reading_ack_seconds_count')).toBe(7);
    expect(sample(after, 'im_reading_ack_seconds_sum')).toBeGreaterThan(0);
    expect(sample(after, 'im_sockets{namespace="/devices"}')).toBe(1);
    expect(sample(after, 'im_sockets{namespace="/ward"}')).toBe(1);
    expect(sample(after, 'im_sessions_open')).toBe(1);
    expect(sample(after, 'im_engines_owned')).toBe(1);
    expect(after).toMatch(/^im_db_pool_connections [1-9]/m);
    // No series names a device, a session or a user.
    expect(after).not.toContain(device.id);

    client.close();
    ward.close();
  });

  it('counts the alert transitions it stores', async () => {
    const device = world.a.devices[1]!;
    const session = await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    const monitor = await LiveMonitor.connect(app.url, device.token);
    await monitor.baseline(120, 80);
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});
    expect((await scrape()).text).not.toMatch(/^im_alert_transitions_total\{/m);
    await monitor.cuff(150, 84);
    await monitor.cuff(152, 86); // a confirmed rise of BP: a medium alert opens
    await eventually(async () =>
      expect(sample((await scrape()).text, 'im_alert_transitions_total{type="opened",severity="medium"}')).toBe(1),
    );
    monitor.close();
  });

  it('does not exist for an address METRICS_ALLOW leaves out', async () => {
    const closed = await startApp(db.url, { METRICS_ALLOW: 'none' });
    try {
      const refused = await scrape(closed.url);
      expect(refused.status).toBe(404);
      expect(JSON.parse(refused.text)).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(refused.text).not.toContain('im_');
      // A request relayed by a local (trusted) proxy counts as its original sender, not as loopback.
      const relayed = await fetch(`${app.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(relayed.status).toBe(404);
      expect((await fetch(`${closed.url}/health`)).status).toBe(200);
    } finally {
      await closed.stop();
    }
  });

  it('stops the service naming METRICS_ALLOW when it is malformed', async () => {
    await expect(startApp(db.url, { METRICS_ALLOW: '10.0.0.0/40' })).rejects.toThrow(/METRICS_ALLOW/);
  });
});
