import path from 'node:path';
import { chromium } from 'playwright-core';
import type { RunningApp } from '../support/app';
import { connectDevice, eventually, sessionBody, unique, type World } from '../support/api';
import { query } from '../support/database';
import { ROOT } from '../support/processes';
import { signIn, useApp } from '../support/harness';

const DAY = 24 * 3600_000;

interface Report {
  sessions: number;
  alerts: { total: number; clinical: number; byKind: Record<string, Record<string, number>> };
  escalations: number;
  acknowledgement: { acknowledged: number; medianSeconds: number | null; p90Seconds: number | null };
  thresholdMonitor: { samples: number; alarms: number; byRule: Record<string, number> };
  ratio: number | null;
  perDay: { date: string; sessions: number; alerts: number; thresholdAlarms: number }[];
}

/**
 * A week of sessions at one site, written through the device protocol: each session streams a
 * baseline and then 200 s of readings with a rise (HR, BP or SpO2, in turn). Devices cannot stamp
 * readings in the future, so every session runs now and is then laid onto its day of the week by
 * moving all its times back together (sessions, readings, alerts), as if it had run then.
 */
describe('the alarm-burden report over a simulated week', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;
  const sessionIds: string[] = [];
  const now = Date.now();

  useApp({ world: 0 }, (started) => ({ db, app, world } = started));
  beforeAll(async () => {
    for (let k = 0; k < 14; k++) {
      const device = await world.admin.ok('/devices', { siteId: world.a.siteId, name: unique('monitor') });
      const session = await world.a.nurse.ok(
        '/sessions',
        sessionBody(world.a.siteId, device.id, world.protocolId, { chair: `Chair ${(k % 4) + 1}` }),
      );
      const client = await connectDevice(app.url, device.token);
      await client.resume;
      const start = Date.now();
      const at = (s: number) => new Date(start + s * 1000).toISOString();
      const baseline = Array.from({ length: 61 }, (_, i) => ({
        seq: i + 1,
        recordedAt: at(i - 62),
        hr: 72,
        spo2: 98,
        ...(i % 30 === 0 ? { sbp: 122, dbp: 78 } : {}),
      }));
      expect((await client.sendBatch(baseline)).ok).toBe(true);
      await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});
      const pattern = k % 3;
      const readings = Array.from({ length: 200 }, (_, i) => {
        const s = i + 1;
        const rise = s >= 40 && s < 80;
        return {
          seq: 100 + s,
          recordedAt: at(s),
          hr: pattern === 0 && rise ? 118 : 74,
          spo2: pattern === 2 && rise ? 89 : 98,
          ...(s % 30 === 0 ? (pattern === 1 && rise ? { sbp: 152, dbp: 96 } : { sbp: 124, dbp: 79 }) : {}),
        };
      });
      // Cuff readings every 30 s: the rise of pattern 1 is at 60 s only; add a confirming one at 75 s.
      if (pattern === 1) Object.assign(readings[74]!, { sbp: 154, dbp: 97 });
      expect((await client.sendBatch(readings)).ok).toBe(true);
      client.close();
      sessionIds.push(session.id);
    }
    // The engine ran on ingest; acknowledge the alerts of even sessions, as a nurse would.
    await eventually(async () => {
      const counts = await query(
        db.url,
        'SELECT count(DISTINCT session_id)::int AS n FROM alerts WHERE kind = ANY($1)',
        [['bp_rise', 'hr_rise', 'spo2_low']],
      );
      expect(counts[0]!.n).toBe(14);
    }, 20_000);
    for (const [k, id] of sessionIds.entries()) {
      if (k % 2 === 1) continue;
      const alerts = (await world.a.nurse.get(`/sessions/${id}/alerts`)).body as { id: string; state: string }[];
      for (const alert of alerts.filter((a) => a.state === 'active' || a.state === 'cleared'))
        await world.a.nurse.post(`/alerts/${alert.id}/acknowledge`, {});
    }
    for (const [k, id] of sessionIds.entries()) {
      const shift = `${k % 7} days`;
      await query(
        db.url,
        `UPDATE sessions SET created_at = created_at - $2::interval, infusion_started_at = infusion_started_at - $2::interval WHERE id = $1`,
        [id, shift],
      );
      await query(db.url, `UPDATE readings SET recorded_at = recorded_at - $2::interval WHERE session_id = $1`, [
        id,
        shift,
      ]);
      await query(
        db.url,
        `UPDATE alerts SET opened_at = opened_at - $2::interval, acknowledged_at = acknowledged_at - $2::interval,
                escalated_at = escalated_at - $2::interval WHERE session_id = $1`,
        [id, shift],
      );
    }
  }, 90_000);

  const report = (params: Record<string, string>) =>
    world.a.clinician.get(`/reports/alarm-burden?${new URLSearchParams({ siteId: world.a.siteId, ...params })}`);

  it('reports alerts per session, acknowledgement times and the threshold monitor, its ratio matching an independent count', async () => {
    const from = new Date(now - 7 * DAY).toISOString();
    const to = new Date(now + 3600_000).toISOString();
    const response = await report({ from, to, protocolId: world.protocolId });
    expect(response.status).toBe(200);
    const body = response.body as Report;
    expect(body.sessions).toBe(14);
    expect(body.perDay).toHaveLength(7);
    expect(body.perDay.reduce((n, d) => n + d.sessions, 0)).toBe(14);
    expect(body.alerts.byKind.hr_rise).toBeDefined();
    expect(body.alerts.byKind.bp_rise).toBeDefined();
    expect(body.alerts.byKind.spo2_low).toBeDefined();
    expect(body.acknowledgement.acknowledged).toBeGreaterThan(0);
    expect(body.acknowledgement.p90Seconds!).toBeGreaterThanOrEqual(body.acknowledgement.medianSeconds!);

    // Independently: every monitored sample beyond a medium limit is one alarm per rule.
    const rows = await query<{ sbp: number | null; dbp: number | null; hr: number | null; spo2: number | null }>(
      db.url,
      `SELECT r.sbp, r.dbp, r.hr, r.spo2 FROM readings r JOIN sessions s ON s.id = r.session_id
        WHERE s.id = ANY($1) AND r.recorded_at >= s.infusion_started_at`,
      [sessionIds],
    );
    const beyond = (v: number | null, limit: number) => v !== null && v > 0 && v > limit;
    let alarms = 0;
    for (const r of rows) {
      if (beyond(r.sbp, 122 * 1.2) || beyond(r.dbp, 78 * 1.2) || (r.sbp ?? 0) >= 180 || (r.dbp ?? 0) >= 110) alarms++;
      if ((beyond(r.hr, 72 * 1.2) && r.hr! >= 100) || beyond(r.hr, 72 * 1.4) || (r.hr ?? 0) >= 130) alarms++;
      if (r.spo2 !== null && r.spo2 > 0 && r.spo2 < 92) alarms++;
      if (r.hr !== null && r.hr > 0 && r.hr < 50) alarms++;
    }
    const [{ clinical }] = await query<{ clinical: number }>(
      db.url,
      `SELECT count(*)::int AS clinical FROM alerts WHERE session_id = ANY($1) AND kind IN ('bp_rise','hr_rise','spo2_low','hr_low')`,
      [sessionIds],
    );
    expect(body.thresholdMonitor.alarms).toBe(alarms);
    expect(body.alerts.clinical).toBe(clinical);
    expect(body.ratio).toBeCloseTo(alarms / clinical, 2);
    // Forty seconds of a rise is forty threshold alarms, and one alert of the engine.
    expect(body.ratio!).toBeGreaterThan(10);
  });

  it('filters by date range, and keeps other sites out', async () => {
    const lastTwoDays = await report({
      from: new Date(now - 2 * DAY + 3600_000).toISOString(),
      to: new Date(now + 3600_000).toISOString(),
    });
    expect((lastTwoDays.body as Report).sessions).toBe(4);
    const other = await world.b.clinician.get(
      `/reports/alarm-burden?siteId=${world.a.siteId}&from=${new Date(now - DAY).toISOString()}&to=${new Date(now).toISOString()}`,
    );
    expect(other.status).toBe(404);
    expect((await world.a.nurse.get(`/reports/alarm-burden?siteId=${world.a.siteId}&from=x&to=y`)).status).toBe(403);
  });

  it('shows the report with its per-day plot to a clinician in the dashboard', async () => {
    const username = unique('burden-clinician').toLowerCase();
    const password = 'burden-password-123';
    await world.admin.ok('/users', {
      username,
      displayName: 'Dr Lena Ortiz',
      role: 'clinician',
      password,
      siteIds: [world.a.siteId],
    });
    const expected = (
      await report({
        from: new Date(now - 7 * DAY).toISOString().slice(0, 10) + 'T00:00:00.000Z',
        to: new Date(now + DAY).toISOString().slice(0, 10) + 'T00:00:00.000Z',
      })
    ).body as Report;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, app.url, username, password);
      await page.getByRole('link', { name: 'Alarm burden' }).click();
      await page.getByTestId('burden-ratio').waitFor();
      expect(await page.getByTestId('burden-ratio').innerText()).toBe(`${expected.ratio} ×`);
      await page.locator('.burden-chart canvas').waitFor();
      await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/alarm-burden.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
