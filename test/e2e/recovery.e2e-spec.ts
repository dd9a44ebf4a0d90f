import type { RunningApp } from '../support/app';
import { Api, eventually, type World } from '../support/api';
import { LiveMonitor } from './live-monitor';
import { useApp } from '../support/harness';

const PASSWORD = 'staff-password-123';

describe('recovery, discharge checklist and sign-off', () => {
  let app: RunningApp;
  let world: World;

  useApp({ env: { TEST_CLOCK: '1' }, world: 0 }, (started) => ({ app, world } = started));

  const advanceClock = (minutes: number) => world.a.nurse.ok('/test/clock', { advanceMs: minutes * 60_000 });

  /** A session through baseline and infusion into recovery, its monitor still connected. */
  async function inRecovery(name: string) {
    const { session, monitor } = await LiveMonitor.atChair(world, app.url, {
      deviceName: name,
      extra: { chair: name },
    });
    await monitor.baseline(120, 80);
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});
    return { id: session.id as string, monitor };
  }

  const observation = (values: object = {}) => ({
    observedAt: new Date().toISOString(),
    moaas: 5,
    oriented: true,
    steadyGait: true,
    nausea: 'none',
    pain: 1,
    notes: 'Alert, walking unaided',
    ...values,
  });

  const checklist = (values: object = {}) => ({
    escort: { name: 'Ann Lee', relationship: 'sister', phone: '+44 7700 900123' },
    escortPresentAt: new Date().toISOString(),
    noDrivingAcknowledged: true,
    instructionsGiven: true,
    belongingsReturned: true,
    ...values,
  });

  // First: the test clock only moves forward, and this one signs before the hour of observation has passed.
  it('takes a meaning from the list only, an override reason that is a sentence, and states the real minutes', async () => {
    const { nurse, clinician } = world.a;
    const { id, monitor } = await inRecovery('Override chair');
    await monitor.cuff(150, 86);
    await monitor.cuff(152, 88); // a medium rise, still active at signing
    await nurse.ok(`/sessions/${id}/infusion-end`);
    const sign = (body: object) => clinician.post(`/sessions/${id}/discharge-signoff`, { password: PASSWORD, ...body });

    const freeText = await sign({ meaning: 'approved for discharge' });
    expect(freeText.status).toBe(400);
    expect(freeText.body.message).toContain(
      'meaning must be one of: discharge_approved, discharge_approved_override, left_against_advice',
    );
    for (const reason of ['ok', 'see notes', 'fine fine fine fine fine fine', 'n/a n/a n/a n/a n/a n/a n/a']) {
      const short = await sign({ meaning: 'discharge_approved_override', overrideReason: reason });
      expect(short.status).toBe(400);
      expect(short.body).toMatchObject({ code: 'validation_failed', details: { field: 'overrideReason' } });
    }
    const noReason = await sign({ meaning: 'discharge_approved_override' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.details.blockers).toContain('min_observation');
    const plain = await sign({ meaning: 'discharge_approved', overrideReason: 'Patient is well and wants to go' });
    expect(plain.status).toBe(422);

    const reason = 'Patient insists on leaving; escort present and vitals settling';
    const signed = await sign({ meaning: 'discharge_approved_override', overrideReason: reason });
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ meaning: 'discharge_approved_override', overrideReason: reason });
    expect(signed.body.unmetCriteria).toEqual(expect.arrayContaining(['min_observation', 'alert_free']));
    // The override does not hide what was true: the minutes actually observed are in the signed words.
    expect(signed.body.statement).toMatch(
      /Minimum observation time \(0 of 60 minutes observed since the end of the infusion\)/,
    );
    expect(signed.body.statement).toContain(
      'Meaning: Discharge approved with override — criteria not met, reason stated.',
    );
    expect(signed.body.statement).toContain(`Reason: ${reason}`);
    const html = await (
      await fetch(`${app.url}/api/v1/sessions/${id}/record`, { headers: { authorization: `Bearer ${nurse.token}` } })
    ).text();
    expect(html).toContain(`Signed despite unmet criteria (Minimum observation time`);
    expect(html).toContain('0 of 60 minutes observed since the end of the infusion');

    // The medium alert still open at discharge can still be answered: it never becomes unacknowledgeable.
    const open = (await nurse.get(`/sessions/${id}/alerts`)).body.find((a: { state: string }) => a.state === 'active');
    const acknowledged = await nurse.post(`/alerts/${open.id}/acknowledge`, { note: 'seen after discharge' });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ state: 'acknowledged' });
    monitor.close();
  });

  it('runs the whole flow: rise, recovery, observations, checklist, readiness, sign-off, lock, addendum', async () => {
    const { nurse, clinician } = world.a;
    const { id, monitor } = await inRecovery('Flow chair');
    // The site's time zone, an IANA name, is what the record prints its times in.
    const badZone = await world.admin.patch(`/sites/${world.a.siteId}`, { timezone: 'Mars/Olympus_Mons' });
    expect(badZone.status).toBe(400);
    const site = (await world.admin.patch(`/sites/${world.a.siteId}`, { timezone: 'Europe/London' })).body;
    expect(site).toMatchObject({ id: world.a.siteId, timezone: 'Europe/London' });
    await monitor.cuff(152, 86);
    await monitor.cuff(154, 88);
    let alertId = '';
    await eventually(async () => {
      const alerts = (await nurse.get(`/sessions/${id}/alerts`)).body as { id: string; kind: string; state: string }[];
      alertId = alerts.find((a) => a.kind === 'bp_rise' && a.state === 'active')!.id;
    });
    await nurse.ok(`/alerts/${alertId}/acknowledge`, { note: 'expected rise' });
    expect((await nurse.post(`/sessions/${id}/recovery-observations`, observation())).status).toBe(409);
    await nurse.ok(`/sessions/${id}/infusion-end`);

    let readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
    expect(readiness.ready).toBe(false);
    expect(readiness.blockers).toEqual(
      expect.arrayContaining(['min_observation', 'vitals_near_baseline', 'sedation_cleared', 'escort']),
    );
    expect(readiness.criteria.find((c: { code: string }) => c.code === 'min_observation').detail).toMatch(
      /^0 of 60 minutes observed/,
    );
    expect(readiness.criteria.find((c: { code: string }) => c.code === 'vitals_near_baseline').detail).toBe(
      'SBP 154 is 28% above baseline 120',
    );

    expect((await nurse.post(`/sessions/${id}/recovery-observations`, observation({ moaas: 7 }))).status).toBe(400);
    const first = await nurse.post(
      `/sessions/${id}/recovery-observations`,
      observation({ moaas: 4, steadyGait: false }),
    );
    expect(first.status).toBe(201);
    await nurse.request('PUT', `/api/v1/sessions/${id}/discharge-checklist`, checklist({ escortPresentAt: undefined }));
    readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
    expect(readiness.criteria.find((c: { code: string }) => c.code === 'escort').detail).toBe(
      'Ann Lee (sister) named, not yet confirmed present',
    );
    expect(readiness.criteria.find((c: { code: string }) => c.code === 'sedation_cleared').detail).toBe(
      'MOAA/S 4 (needs 5)',
    );

    await monitor.cuff(124, 80); // back near baseline: the BP episode ends
    await nurse.ok(`/sessions/${id}/recovery-observations`, observation());
    expect((await nurse.request('PUT', `/api/v1/sessions/${id}/discharge-checklist`, checklist())).status).toBe(200);
    readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
    expect(readiness.blockers).toEqual(['min_observation']);

    const early = await clinician.post(`/sessions/${id}/discharge-signoff`, {
      password: PASSWORD,
      meaning: 'discharge_approved',
    });
    expect(early.status).toBe(422);
    expect(early.body.details.blockers).toEqual(['min_observation']);
    expect(
      (await nurse.post(`/sessions/${id}/discharge-signoff`, { password: PASSWORD, meaning: 'discharge_approved' }))
        .status,
    ).toBe(403);
    expect(
      (
        await world.admin.post(`/sessions/${id}/discharge-signoff`, {
          password: 'bootstrap-secret-for-tests',
          meaning: 'x',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await clinician.post(`/sessions/${id}/discharge-signoff`, {
          password: 'wrong-password',
          meaning: 'discharge_approved',
        })
      ).status,
    ).toBe(401);

    await advanceClock(61);
    readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
    expect(readiness).toMatchObject({ ready: true, blockers: [], score: 10 });
    const signed = await clinician.post(`/sessions/${id}/discharge-signoff`, {
      password: PASSWORD,
      meaning: 'discharge_approved',
    });
    expect(signed.status).toBe(201);
    const me = (await clinician.get('/auth/me')).body;
    expect(signed.body).toMatchObject({
      signedBy: { id: me.id, displayName: me.displayName },
      signedAt: expect.any(String),
      meaning: 'discharge_approved',
      meaningText: 'Discharge approved — patient meets the discharge criteria',
      recordHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      overrideReason: null,
    });
    expect(signed.body.statement).toContain(`I, ${me.displayName}, sign the discharge of patient `);
    expect(signed.body.statement).toContain('Every discharge criterion was met at signing.');

    // Locked: every change is refused; a signed addendum is still possible.
    expect((await nurse.post(`/sessions/${id}/recovery-observations`, observation())).status).toBe(409);
    expect((await nurse.request('PUT', `/api/v1/sessions/${id}/discharge-checklist`, checklist())).status).toBe(409);
    expect(
      (await clinician.post(`/sessions/${id}/discharge-signoff`, { password: PASSWORD, meaning: 'discharge_approved' }))
        .status,
    ).toBe(409);
    expect((await nurse.post(`/sessions/${id}/abort`, { reason: 'too late' })).status).toBe(409);
    const addendum = await nurse.post(`/sessions/${id}/addenda`, { text: 'Patient phoned: home safely.' });
    expect(addendum.status).toBe(201);
    expect(addendum.body).toMatchObject({
      author: { displayName: expect.any(String) },
      textHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const story = (await nurse.get(`/sessions/${id}`)).body;
    expect(story).toMatchObject({
      phase: 'discharged',
      baseline: { sbp: 120, dbp: 80 },
      signature: { recordHash: signed.body.recordHash, meaning: 'discharge_approved' },
      checklist: { escort: { name: 'Ann Lee' }, noDrivingAcknowledged: true },
      addenda: [{ text: 'Patient phoned: home safely.' }],
    });
    expect(story.phases.map((p: { phase: string }) => p.phase)).toEqual([
      'baseline',
      'infusing',
      'recovery',
      'discharged',
    ]);
    expect(story.observations).toHaveLength(2);
    const rise = story.alerts.find((a: { kind: string }) => a.kind === 'bp_rise');
    expect(rise).toMatchObject({ state: 'resolved', durationSeconds: expect.any(Number) });

    const nurseName = (await nurse.get('/auth/me')).body.displayName as string;
    const page = await fetch(`${app.url}/api/v1/sessions/${id}/record`, {
      headers: { authorization: `Bearer ${nurse.token}` },
    });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<svg');
    expect(html).toContain(`Electronically signed by ${me.displayName}`);
    expect(html).toContain('Meaning: Discharge approved — patient meets the discharge criteria');
    expect(html).toContain(signed.body.recordHash);
    // The record speaks words and names: protocol and version, site and its zone, authors, criteria, printer.
    expect(html).toContain('<td>Protocol</td><td>IV ketamine 0.5 mg/kg over 40 min, version 2</td>');
    expect(html).not.toContain(story.protocolId);
    expect(html).toContain(`<td>Site</td><td>${site.name} — times in Europe/London (UTC in brackets)</td>`);
    expect(html).toMatch(/\d\d:\d\d:\d\d Europe\/London \(\d\d:\d\d:\d\d UTC\)/);
    expect(html).toContain('Blood pressure (mmHg)');
    expect(html).toContain('Heart rate (/min)');
    expect(html).toContain('Oxygen saturation (%)');
    expect(html).toContain('high alert below 90%');
    expect(html).toMatch(/<text x="[\d.]+" y="\d+" font-size="11" text-anchor="middle">\d\d:\d\d(:\d\d)?<\/text>/); // time axis
    expect(html).toContain(`<td>${nurseName}</td></tr>`); // who recorded each observation
    expect(html).toContain(`confirmed by ${nurseName}`);
    expect(html).toContain('Discharge criteria at signing');
    expect(html).toContain('Recovery score 10/10.');
    expect(html).toContain('<td>Minimum observation time</td><td>met</td>');
    expect(html).not.toContain('min_observation');
    expect(html).toContain('<td>Blood pressure rise</td><td>medium</td><td>resolved</td>');
    expect(html).toContain(`Printed by ${nurseName} on `);
    monitor.close();
  });

  it('refuses a discharge while a high alert awaits acknowledgement (409 naming it), then signs once it is acknowledged', async () => {
    const { nurse, clinician } = world.a;
    const { id, monitor } = await inRecovery('Latched chair');
    await monitor.cuff(188, 100);
    await monitor.cuff(126, 80); // the high alert clears unacknowledged: latched
    await nurse.ok(`/sessions/${id}/infusion-end`);
    await nurse.ok(`/sessions/${id}/recovery-observations`, observation());
    await nurse.request('PUT', `/api/v1/sessions/${id}/discharge-checklist`, checklist());
    await advanceClock(61);
    await eventually(async () => {
      const readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
      expect(readiness.blockers).toEqual(['alert_free']);
      expect(readiness.criteria.find((c: { code: string }) => c.code === 'alert_free').detail).toContain(
        '1 high and unacknowledged',
      );
    });
    const latched = (await nurse.get(`/sessions/${id}/alerts`)).body.find(
      (a: { state: string }) => a.state === 'cleared',
    );
    // Not even an override signs past a latched high alert: it is acknowledged first.
    for (const body of [
      { password: PASSWORD, meaning: 'discharge_approved' },
      {
        password: PASSWORD,
        meaning: 'discharge_approved_override',
        overrideReason: 'Spike was a cuff artefact; manual BP 128/82 twice',
      },
    ]) {
      const refused = await clinician.post(`/sessions/${id}/discharge-signoff`, body);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'alert_unacknowledged',
        details: { alerts: [{ id: latched.id, kind: 'bp_rise', severity: 'high', state: 'cleared' }] },
      });
      expect(refused.body.message).toContain('SBP 188');
    }
    await nurse.ok(`/alerts/${latched.id}/acknowledge`, { note: 'cuff artefact, manual 128/82' });
    const signed = await clinician.post(`/sessions/${id}/discharge-signoff`, {
      password: PASSWORD,
      meaning: 'discharge_approved',
    });
    expect(signed.status).toBe(201);
    expect(signed.body.unmetCriteria).toEqual([]);
    const other = new Api(app.url, world.b.nurse.token);
    expect((await other.get(`/sessions/${id}/discharge-readiness`)).status).toBe(404);
    expect(
      (await fetch(`${app.url}/api/v1/sessions/${id}/record`, { headers: { authorization: `Bearer ${other.token}` } }))
        .status,
    ).toBe(404);
    monitor.close();
  });

  it('stores only the observation items that were entered; the latest assessed value of each counts', async () => {
    const { nurse } = world.a;
    const { id, monitor } = await inRecovery('Partial chair');
    await nurse.ok(`/sessions/${id}/infusion-end`);
    const first = await nurse.post(`/sessions/${id}/recovery-observations`, {
      observedAt: new Date().toISOString(),
      moaas: 5,
      nausea: 'mild',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ moaas: 5, nausea: 'mild', oriented: null, steadyGait: null, pain: null });
    let readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
    const detail = (code: string) => readiness.criteria.find((c: { code: string }) => c.code === code);
    expect(detail('oriented_and_steady')).toMatchObject({
      met: false,
      detail: 'orientation not assessed, gait not assessed',
    });
    expect(detail('sedation_cleared').met).toBe(true);
    await nurse.ok(`/sessions/${id}/recovery-observations`, {
      observedAt: new Date().toISOString(),
      oriented: true,
      steadyGait: true,
    });
    readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
    expect(detail('oriented_and_steady').met).toBe(true);
    expect(detail('sedation_cleared').met).toBe(true); // from the earlier observation, not erased
    expect(detail('nausea_controlled')).toMatchObject({ met: true, detail: 'Nausea mild' });
    const story = (await nurse.get(`/sessions/${id}`)).body;
    expect(story.observations[1]).toMatchObject({ moaas: null, nausea: null, pain: null, oriented: true });
    monitor.close();
  });
});
