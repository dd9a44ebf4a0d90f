import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { RunningApp } from '../support/app';
import { sessionBody, type World } from '../support/api';
import { query } from '../support/database';
import { ROOT } from '../support/processes';
import { LiveMonitor } from './live-monitor';
import { useApp } from '../support/harness';

const CHROMIUM = '/usr/bin/chromium';
const STAFF_PASSWORD = 'staff-password-123'; // buildWorld's staff password (test/support/api.ts)
const MIN = 60_000;

describe('the esketamine REMS Patient Monitoring Form', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;
  let monitor: LiveMonitor;
  let sessionId: string;
  let dose: number;

  afterAll(() => {
    monitor?.close();
  });
  useApp({ world: 1 }, (started) => ({ db, app, world } = started));
  beforeAll(async () => {
    const protocols = (await world.admin.get('/protocols')).body as { id: string; key: string; route: string }[];
    const esketamine = protocols.find((p) => p.key === 'in-esketamine')!; // newest version first
    const created = await world.a.nurse.ok(
      '/sessions',
      sessionBody(world.a.siteId, world.a.devices[0]!.id, esketamine.id, { plannedDoseMgPerKg: 1.2, weightKg: 70 }),
    );
    sessionId = created.id;
    monitor = await LiveMonitor.connect(app.url, world.a.devices[0]!.token);
    await monitor.baseline(124, 78, 70);
    await world.a.nurse.ok(`/sessions/${sessionId}/infusion-start`, {});
    // A device cannot stamp readings in the future, so the session is moved two hours and ten minutes
    // into the past (dose given then) and the monitor sends the cuff readings it took since.
    // The session began before the dose (readings older than a session's start are refused), and the
    // infusion ended 40 minutes after it (observations before the end are refused). The end is asked
    // for through the API after the move, so the service's binding of the device knows the new start.
    dose = Date.now() - 130 * MIN;
    await query(db.url, 'UPDATE sessions SET infusion_started_at = $2, created_at = $3 WHERE id = $1', [
      sessionId,
      new Date(dose),
      new Date(dose - 15 * MIN),
    ]);
    await query(
      db.url,
      `UPDATE readings SET recorded_at = recorded_at - interval '135 minutes' WHERE session_id = $1`,
      [sessionId],
    );
    await world.a.nurse.ok(`/sessions/${sessionId}/infusion-end`);
    await query(db.url, 'UPDATE sessions SET infusion_ended_at = $2 WHERE id = $1', [
      sessionId,
      new Date(dose + 40 * MIN),
    ]);
    const cuff = (minutes: number, sbp: number, dbp: number, seq: number) => ({
      seq,
      recordedAt: new Date(dose + minutes * MIN).toISOString(),
      sbp,
      dbp,
      hr: 74,
      spo2: 98,
    });
    const ack = await monitor.client.sendBatch([
      cuff(-3, 126, 80, 1001),
      cuff(20, 138, 86, 1002),
      cuff(41, 146, 88, 1003),
      cuff(90, 132, 82, 1004),
      cuff(125, 126, 80, 1005),
    ]);
    // Every reading stored, none refused (a refused one would leave the form without its BP).
    expect(ack.ok && ack.results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
  }, 60_000);

  it('lists what is missing while observation goes on, in words', async () => {
    const form = (await world.a.nurse.get(`/sessions/${sessionId}/rems-form.json`)).body;
    expect(form.complete).toBe(false);
    expect(form.missing).toEqual([
      'the end of observation (no clinician has signed the patient ready to leave)',
      'the sedation assessment (no MOAA/S recorded)',
      'the dissociation assessment',
      'the respiratory depression assessment',
    ]);
    // The observation form refuses values the REMS form cannot use.
    const bad = await world.a.nurse.post(`/sessions/${sessionId}/recovery-observations`, {
      observedAt: new Date().toISOString(),
      moaas: 5,
      oriented: true,
      steadyGait: true,
      nausea: 'none',
      pain: 0,
      dissociation: 'a little',
    });
    expect(bad.status).toBe(400);
  });

  it('is complete once observed and signed off: BP before, at about 40 min and at the end; HTML and JSON', async () => {
    const { nurse, clinician } = world.a;
    for (const [minutesAgo, moaas, dissociation] of [
      [60, 4, 'mild'],
      [12, 5, 'none'],
    ] as const) {
      await nurse.ok(`/sessions/${sessionId}/recovery-observations`, {
        observedAt: new Date(Date.now() - minutesAgo * MIN).toISOString(),
        moaas,
        oriented: true,
        steadyGait: true,
        nausea: 'none',
        pain: 0,
        dissociation,
        respiratoryDepression: false,
      });
    }
    await nurse.request('PUT', `/api/v1/sessions/${sessionId}/discharge-checklist`, {
      escort: { name: 'Ann Lee', relationship: 'sister', phone: '+44 7700 900123' },
      escortPresentAt: new Date().toISOString(),
      noDrivingAcknowledged: true,
      instructionsGiven: true,
      belongingsReturned: true,
    });
    const readiness = (await nurse.get(`/sessions/${sessionId}/discharge-readiness`)).body as { ready: boolean };
    const signed = await clinician.post(`/sessions/${sessionId}/discharge-signoff`, {
      password: STAFF_PASSWORD,
      ...(readiness.ready
        ? { meaning: 'discharge_approved' }
        : {
            meaning: 'discharge_approved_override',
            overrideReason: 'Criteria reviewed at the bedside by the clinician; patient fit to leave.',
          }),
    });
    expect(signed.status).toBe(201);

    const form = (await nurse.get(`/sessions/${sessionId}/rems-form.json`)).body;
    expect(form.missing).toEqual([]);
    expect(form).toMatchObject({
      complete: true,
      dose: { mg: 84, mgPerKg: 1.2 },
      bloodPressure: {
        beforeDose: { sbp: 126, dbp: 80, minutesAfterDose: -3 },
        about40Minutes: { sbp: 146, dbp: 88, minutesAfterDose: 41 },
        endOfObservation: { sbp: 126, dbp: 80, minutesAfterDose: 125 },
      },
      assessments: { sedation: 'yes', lowestMoaas: 4, dissociation: 'yes', respiratoryDepression: 'no' },
      minimumMinutes: 120,
    });
    expect(form.minutesMonitored).toBeGreaterThanOrEqual(130);
    expect(form.readyToLeaveAt).toBe(signed.body.signature?.signedAt ?? form.readyToLeaveAt);

    const html = await fetch(`${app.url}/api/v1/sessions/${sessionId}/rems-form`, {
      headers: { authorization: `Bearer ${nurse.token}` },
    });
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const text = await html.text();
    expect(text).toContain('Complete: every field of the form is answered from the record.');
    expect(text).toContain('146/88 mmHg');
    const asJson = await fetch(`${app.url}/api/v1/sessions/${sessionId}/rems-form`, {
      headers: { authorization: `Bearer ${nurse.token}`, accept: 'application/json' },
    });
    expect((await asJson.json()).complete).toBe(true);
    const audit = await query(
      db.url,
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'rems_form.read' AND entity_id = $1`,
      [sessionId],
    );
    expect(audit[0]!.n).toBeGreaterThanOrEqual(3);

    if (existsSync(CHROMIUM)) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
      const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
      await page.setContent(text);
      await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/rems-form.png'), fullPage: true });
      await browser.close();
    }
  });

  it('is refused for an IV ketamine session and not found from another site', async () => {
    const iv = await world.a.nurse.ok(
      '/sessions',
      sessionBody(world.a.siteId, world.a.devices[0]!.id, world.protocolId),
    );
    expect((await world.a.nurse.get(`/sessions/${iv.id}/rems-form.json`)).status).toBe(409);
    expect((await world.b.nurse.get(`/sessions/${sessionId}/rems-form.json`)).status).toBe(404);
  });
});
