import { startApp, type RunningApp } from '../support/app';
import { Api, buildWorld, eventually, sessionBody, type World } from '../support/api';
import { createTestDatabase } from '../support/database';
import { LiveMonitor } from './live-monitor';

const PASSWORD = 'staff-password-123';

describe('recovery, discharge checklist and sign-off', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApp(db.url, { TEST_CLOCK: '1' });
    world = await buildWorld(app.url, 0);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const advanceClock = (minutes: number) => world.a.nurse.ok('/test/clock', { advanceMs: minutes * 60_000 });

  /** A session through baseline and infusion into recovery, its monitor still connected. */
  async function inRecovery(name: string) {
    const device = await world.admin.ok('/devices', { siteId: world.a.siteId, name });
    const session = await world.a.nurse.ok(
      '/sessions',
      sessionBody(world.a.siteId, device.id, world.protocolId, { chair: name }),
    );
    const monitor = await LiveMonitor.connect(app.url, device.token);
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

  it('runs the whole flow: rise, recovery, observations, checklist, readiness, sign-off, lock, addendum', async () => {
    const { nurse, clinician } = world.a;
    const { id, monitor } = await inRecovery('Flow chair');
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
      meaning: 'approved for discharge',
    });
    expect(early.status).toBe(422);
    expect(early.body.details.blockers).toEqual(['min_observation']);
    expect(
      (await nurse.post(`/sessions/${id}/discharge-signoff`, { password: PASSWORD, meaning: 'approved for discharge' }))
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
          meaning: 'approved for discharge',
        })
      ).status,
    ).toBe(401);

    await advanceClock(61);
    readiness = (await nurse.get(`/sessions/${id}/discharge-readiness`)).body;
    expect(readiness).toMatchObject({ ready: true, blockers: [], score: 10 });
    const signed = await clinician.post(`/sessions/${id}/discharge-signoff`, {
      password: PASSWORD,
      meaning: 'approved for discharge',
    });
    expect(signed.status).toBe(201);
    const me = (await clinician.get('/auth/me')).body;
    expect(signed.body).toMatchObject({
      signedBy: { id: me.id, displayName: me.displayName },
      signedAt: expect.any(String),
      meaning: 'approved for discharge',
      recordHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      overrideReason: null,
    });

    // Locked: every change is refused; a signed addendum is still possible.
    expect((await nurse.post(`/sessions/${id}/recovery-observations`, observation())).status).toBe(409);
    expect((await nurse.request('PUT', `/api/v1/sessions/${id}/discharge-checklist`, checklist())).status).toBe(409);
    expect(
      (await clinician.post(`/sessions/${id}/discharge-signoff`, { password: PASSWORD, meaning: 'again' })).status,
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
      signature: { recordHash: signed.body.recordHash, meaning: 'approved for discharge' },
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

    const page = await fetch(`${app.url}/api/v1/sessions/${id}/record`, {
      headers: { authorization: `Bearer ${nurse.token}` },
    });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<svg');
    expect(html).toContain(`Electronically signed by ${me.displayName}`);
    expect(html).toContain('Meaning: approved for discharge');
    expect(html).toContain(signed.body.recordHash);
    monitor.close();
  });

  it('refuses a discharge with an unacknowledged high alert unless the clinician overrides, and shows the override', async () => {
    const { nurse, clinician } = world.a;
    const { id, monitor } = await inRecovery('Override chair');
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
    const refused = await clinician.post(`/sessions/${id}/discharge-signoff`, {
      password: PASSWORD,
      meaning: 'approved for discharge',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details.blockers).toEqual(['alert_free']);
    const signed = await clinician.post(`/sessions/${id}/discharge-signoff`, {
      password: PASSWORD,
      meaning: 'approved for discharge',
      overrideReason: 'Spike was a cuff artefact; manual BP 128/82 twice',
    });
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({
      overrideReason: 'Spike was a cuff artefact; manual BP 128/82 twice',
      unmetCriteria: ['alert_free'],
    });
    const html = await (
      await fetch(`${app.url}/api/v1/sessions/${id}/record`, { headers: { authorization: `Bearer ${nurse.token}` } })
    ).text();
    expect(html).toContain(
      'Signed despite unmet criteria (alert_free): Spike was a cuff artefact; manual BP 128/82 twice',
    );
    const alertId = (await nurse.get(`/sessions/${id}/alerts`)).body.find(
      (a: { state: string }) => a.state === 'cleared',
    ).id;
    expect((await nurse.post(`/alerts/${alertId}/acknowledge`, {})).status).toBe(409);
    const other = new Api(app.url, world.b.nurse.token);
    expect((await other.get(`/sessions/${id}/discharge-readiness`)).status).toBe(404);
    expect(
      (await fetch(`${app.url}/api/v1/sessions/${id}/record`, { headers: { authorization: `Bearer ${other.token}` } }))
        .status,
    ).toBe(404);
    monitor.close();
  });
});
