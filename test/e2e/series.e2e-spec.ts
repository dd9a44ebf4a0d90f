import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { startApp, type RunningApp } from '../support/app';
import { buildWorld, sessionBody, unique, type World } from '../support/api';
import { createTestDatabase, query } from '../support/database';
import { ROOT } from '../support/processes';
import { signIn } from '../support/harness';
import { LiveMonitor } from './live-monitor';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
const PASSWORD = 'series-password-123';

interface Infusion {
  sessionId: string;
  infusion: number;
  highBpRise: boolean;
  alerts: Record<string, Record<string, number>>;
  peak: {
    sbp: { value: number; rise: number | null } | null;
    dbp: { value: number } | null;
    hr: { value: number } | null;
  };
  overrides: { kind: string; reason: string }[];
  dose: { mg: number };
}

describe("a patient's series", () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;
  let browser: Browser | undefined;
  let monitor: LiveMonitor;
  const patientRef = unique('MRN-SERIES');
  const sessions: { id: string; seriesNote: { infusion: number; firstThree: boolean; message: string } | null }[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing`);
    db = await createTestDatabase();
    app = await startApp(db.url);
    world = await buildWorld(app.url, 1);
    monitor = await LiveMonitor.connect(app.url, world.a.devices[0]!.token);
    // Four infusions of one patient, one after the other on the same chair: the second has a high BP rise.
    const peaks: [number, number][] = [
      [140, 84],
      [185, 112],
      [136, 80],
      [132, 82],
    ];
    for (const [n, [sbp, dbp]] of peaks.entries()) {
      const created = await world.a.nurse.ok(
        '/sessions',
        sessionBody(world.a.siteId, world.a.devices[0]!.id, world.protocolId, { patientRef, seriesNumber: n + 1 }),
      );
      sessions.push({ id: created.id, seriesNote: created.seriesNote });
      await monitor.baseline(122, 78, 72);
      await world.a.nurse.ok(`/sessions/${created.id}/infusion-start`, {});
      await monitor.stream(3, () => ({ hr: 80 + n, spo2: 98 }));
      await monitor.cuff(sbp, dbp, 84 + n);
      await world.a.nurse.ok(`/sessions/${created.id}/infusion-end`);
      await world.a.nurse.ok(`/sessions/${created.id}/abort`, {
        reason: `series test ${n + 1}: observation elsewhere`,
      });
    }
  }, 60_000);

  afterAll(async () => {
    monitor?.close();
    await browser?.close();
    await app?.stop();
    await db?.drop();
  });

  it('notes the first three infusions at creation, then the earlier high bp_rise', async () => {
    expect(sessions.map((s) => s.seriesNote?.infusion ?? null)).toEqual([1, 2, 3, 4]);
    expect(sessions[0]!.seriesNote!.message).toContain('first three infusions');
    expect(sessions[3]!.seriesNote).toMatchObject({ firstThree: false, previousHighBpRise: [2] });
    const fifth = await world.a.nurse.ok(
      '/sessions',
      sessionBody(world.a.siteId, world.a.devices[0]!.id, world.protocolId, { patientRef, seriesNumber: 5 }),
    );
    expect(fifth.seriesNote).toMatchObject({ infusion: 5, firstThree: false, previousHighBpRise: [2] });
    expect(fifth.seriesNote.message).toBe('A high BP rise in infusion 2 of this patient: watch the BP closely.');
    await world.a.nurse.ok(`/sessions/${fifth.id}/abort`, { reason: 'created to see the note' });
  });

  it('answers the series: dose, peaks, alerts by type and priority, overrides; scoped to the site and audited', async () => {
    const path = `/patients/${encodeURIComponent(patientRef)}/series?siteId=${world.a.siteId}`;
    const response = await world.a.clinician.get(path);
    expect(response.status).toBe(200);
    const infusions = response.body.infusions as Infusion[];
    expect(infusions.map((i) => [i.sessionId, i.infusion])).toEqual(sessions.map((s, i) => [s.id, i + 1]));
    expect(infusions.map((i) => i.highBpRise)).toEqual([false, true, false, false]);
    expect(infusions[1]!.alerts.bp_rise).toEqual({ high: 1 });
    expect(infusions[1]!.peak.sbp).toMatchObject({ value: 185, rise: 63 });
    expect(infusions[1]!.peak.dbp).toMatchObject({ value: 112 });
    expect(infusions[0]!.dose.mg).toBe(36.3); // 72.5 kg × 0.5 mg/kg
    expect(infusions[3]!.overrides).toEqual([{ kind: 'abort', reason: 'series test 4: observation elsewhere' }]);

    // Another site's staff: not found; a missing or bad siteId: refused.
    expect((await world.b.nurse.get(path)).status).toBe(404);
    expect((await world.a.nurse.get(`/patients/${patientRef}/series`)).status).toBe(400);
    const audit = await query(
      db.url,
      `SELECT entity_id, site_id, details FROM audit_events WHERE action = 'patient.series.read' ORDER BY seq DESC LIMIT 1`,
    );
    expect(audit[0]).toMatchObject({ entity_id: patientRef, site_id: world.a.siteId });
  });

  it('shows the series page with a chart across infusions 1…4, reachable from the session page', async () => {
    const username = unique('series-nurse').toLowerCase();
    await world.admin.ok('/users', {
      username,
      displayName: 'Sam Reyes, RN',
      role: 'nurse',
      password: PASSWORD,
      siteIds: [world.a.siteId],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, app.url, username, PASSWORD);
    await page.waitForFunction(() => sessionStorage.length > 0);
    await page.goto(`${app.url}/sessions/${sessions[1]!.id}`);
    await page.getByRole('note').filter({ hasText: 'Infusion 2 of this patient' }).waitFor();
    await page.getByRole('link', { name: 'Patient’s series' }).click();
    await page.locator('.series-table tbody tr').nth(3).waitFor();
    expect(await page.locator('.series-table tbody tr').count()).toBe(4);
    expect(await page.locator('tr[data-infusion="2"]').innerText()).toMatch(/185 \(\+63\)/);
    expect(await page.getByRole('note').innerText()).toContain('high BP rise in infusion 2');
    await page.locator('.series-chart canvas').waitFor();
    await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/patient-series.png'), fullPage: true });
  });
});
