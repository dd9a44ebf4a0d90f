import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, type RunningApp } from '../support/app';
import { eventually, sessionBody, unique, type World } from '../support/api';
import { expectNoSeriousAxeViolations } from '../support/axe';
import { signIn, useApp, useBrowser } from '../support/harness';
import { LiveMonitor } from './live-monitor';

const PASSWORD = 'ward-password-123';

describe('discharge and audit in the dashboard', () => {
  let app: RunningApp;
  let world: World;
  let browser: Browser;
  let page: Page;
  let monitor: LiveMonitor | undefined;
  let sessionId: string;
  let clinician: string;
  const clinicianName = 'Dr Clara Moss';

  async function signInAs(target: Page, username: string, password = PASSWORD): Promise<void> {
    await signIn(target, app.url, username, password);
    await target.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  afterAll(() => monitor?.close());
  useBrowser((launched) => (browser = launched));
  useApp({ env: { TEST_CLOCK: '1' }, world: 0 }, (started) => ({ app, world } = started));
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  it('lets a clinician record recovery, see readiness turn ready, and sign the discharge', async () => {
    clinician = unique('ward-clinician').toLowerCase();
    await world.admin.ok('/users', {
      username: clinician,
      displayName: clinicianName,
      role: 'clinician',
      password: PASSWORD,
      siteIds: [world.a.siteId],
    });
    const device = await world.admin.ok('/devices', { siteId: world.a.siteId, name: unique('monitor') });
    const session = await world.a.nurse.ok(
      '/sessions',
      sessionBody(world.a.siteId, device.id, world.protocolId, { chair: 'Chair 4' }),
    );
    sessionId = session.id;
    monitor = await LiveMonitor.connect(app.url, device.token);
    await monitor.baseline(120, 80);
    await world.a.nurse.ok(`/sessions/${sessionId}/infusion-start`, {});
    await world.a.nurse.ok(`/sessions/${sessionId}/infusion-end`);

    await signInAs(page, clinician);
    await page.goto(`${app.url}/sessions/${sessionId}`);
    const readiness = page.locator('.readiness');
    await readiness.getByText('Not ready for discharge').waitFor();
    const criterion = (code: string) => page.locator(`[data-criterion="${code}"]`);
    expect(await criterion('min_observation').innerText()).toMatch(/not met[\s\S]*0 of 60 minutes observed/);

    const observation = page.getByRole('form', { name: 'Recovery observation' });
    await observation.getByLabel('MOAA/S (0–5)').selectOption('5');
    // Every item starts "not assessed": nothing is stored that nobody entered.
    expect(await observation.getByLabel('Nausea').inputValue()).toBe('');
    expect(await observation.getByLabel('Pain (0–10)').inputValue()).toBe('');
    await observation.getByLabel('Oriented').selectOption('yes');
    await observation.getByLabel('Gait').selectOption('yes');
    await observation.getByLabel('Nausea').selectOption('none');
    await observation.getByLabel('Pain (0–10)').fill('1');
    await observation.getByLabel('Notes').fill('Alert, walking unaided');
    await observation.getByRole('button', { name: 'Record observation' }).click();
    await page.locator('.observations', { hasText: 'Alert, walking unaided' }).waitFor();
    await criterion('sedation_cleared').locator('.criterion-state', { hasText: /^met$/ }).waitFor();

    const checklist = page.getByRole('form', { name: 'Discharge checklist' });
    await checklist.getByLabel('Escort name').fill('Ann Lee');
    await checklist.getByLabel('Relationship').fill('sister');
    await checklist.getByLabel('Phone').fill('+44 7700 900123');
    await checklist.getByLabel('No driving until the next day acknowledged').check();
    await checklist.getByLabel('Discharge instructions given').check();
    await checklist.getByLabel('Belongings returned').check();
    await checklist.getByRole('button', { name: 'Escort present now' }).click();
    await checklist.getByText('Escort confirmed present at').waitFor();
    await criterion('escort').getByText('Ann Lee (sister) present').waitFor();
    await readiness.getByText('1 of 10 criteria not met').waitFor();

    // An hour of observation on the clinical clock, then the page asked at once rather than in 30 s.
    await world.a.nurse.ok('/test/clock', { advanceMs: 61 * 60_000 });
    await readiness.getByRole('button', { name: 'Check again' }).click();
    await readiness.getByText('Ready for discharge: every criterion is met.').waitFor();
    expect(await readiness.innerText()).toContain('Recovery score 10/10');

    await expectNoSeriousAxeViolations(page);

    const signOff = page.getByRole('form', { name: 'Discharge sign-off' });
    // The meaning comes from the fixed list; with every criterion met, "with override" is not offered.
    const meaning = signOff.getByLabel('Meaning of the signature');
    expect(await meaning.inputValue()).toBe('discharge_approved');
    expect(await meaning.locator('option').allInnerTexts()).toEqual([
      'Discharge approved — patient meets the discharge criteria',
      'Patient left against medical advice — discharge recorded, not approved',
    ]);
    const statement = await signOff.getByTestId('signature-statement').innerText();
    expect(statement).toMatch(
      new RegExp(
        `^I, ${clinicianName}, sign the discharge of patient ${session.patientRef} on \\d+ \\w+ \\d{4}, \\d\\d:\\d\\d:\\d\\d UTC\\.`,
      ),
    );
    expect(statement).toContain('Meaning: Discharge approved — patient meets the discharge criteria.');
    expect(statement).toContain('Every discharge criterion was met at signing.');
    // Nothing is signed before the statement is confirmed.
    expect(await signOff.getByRole('button', { name: 'Sign off discharge' }).isDisabled()).toBe(true);
    await signOff.getByLabel('I have read this statement and sign it as my own').check();
    await signOff.getByLabel('Your password (to sign)').fill('not-my-password');
    await signOff.getByRole('button', { name: 'Sign off discharge' }).click();
    await signOff.getByText('The password is not right').waitFor();
    // A wrong password at signing is not a lost sign-in: the page stays.
    expect(page.url()).toContain(`/sessions/${sessionId}`);

    await signOff.getByLabel('Your password (to sign)').fill(PASSWORD);
    await signOff.getByRole('button', { name: 'Sign off discharge' }).click();
    const signature = page.locator('.signature-block');
    await signature.waitFor();
    const text = await signature.innerText();
    expect(text).toContain(clinicianName);
    expect(text).toContain('Discharge approved — patient meets the discharge criteria');
    expect(text).toContain(`I, ${clinicianName}, sign the discharge of patient ${session.patientRef}`);
    expect(text).toMatch(/[0-9a-f]{64}/);
    await page.locator('.phase', { hasText: 'Discharged' }).waitFor();
    expect(await page.getByRole('form', { name: 'Recovery observation' }).count()).toBe(0);

    const stored = (await world.a.nurse.get(`/sessions/${sessionId}`)).body;
    expect(stored).toMatchObject({ phase: 'discharged', signature: { signedBy: { displayName: clinicianName } } });
    expect(text).toContain(stored.signature.recordHash);

    const addendum = page.getByRole('form', { name: 'Add addendum' });
    await addendum.getByLabel('Addendum').fill('Patient phoned: home safely.');
    await addendum.getByRole('button', { name: 'Add addendum' }).click();
    await page.locator('.addenda', { hasText: `${clinicianName} (clinician)` }).waitFor();
    await expectNoSeriousAxeViolations(page);

    const [record] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Printable record' }).click(),
    ]);
    await record.waitForURL(/^blob:/);
    await record.getByText('Patient phoned: home safely.').waitFor();
    await record.close();
  });

  it('refuses the sign-off while a high alert is latched, and readiness follows the acknowledgement live', async () => {
    const device = await world.admin.ok('/devices', { siteId: world.a.siteId, name: unique('monitor') });
    const session = await world.a.nurse.ok(
      '/sessions',
      sessionBody(world.a.siteId, device.id, world.protocolId, { chair: 'Chair 7' }),
    );
    const latched = await LiveMonitor.connect(app.url, device.token);
    try {
      await latched.baseline(120, 80);
      await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});
      await latched.cuff(188, 100);
      await latched.cuff(124, 80); // the condition ends before anyone acknowledged: latched
      await world.a.nurse.ok(`/sessions/${session.id}/infusion-end`);
      await page.goto(`${app.url}/sessions/${session.id}`);
      const alertFree = page.locator('[data-criterion="alert_free"]');
      await alertFree.getByText('1 high and unacknowledged').waitFor();

      const signOff = page.getByRole('form', { name: 'Discharge sign-off' });
      expect(await signOff.getByLabel('Meaning of the signature').inputValue()).toBe('discharge_approved_override');
      const reason = signOff.getByLabel(/^Reason/);
      await reason.fill('ok');
      await signOff.getByText('The override reason must be a sentence').waitFor();
      await reason.fill('Cuff artefact confirmed; manual BP 126/80 twice, patient well');
      const statement = await signOff.getByTestId('signature-statement').innerText();
      expect(statement).toContain('Criteria not met at signing: ');
      expect(statement).toContain('No open alerts (');
      expect(statement).toContain('Reason: Cuff artefact confirmed; manual BP 126/80 twice, patient well');
      await signOff.getByLabel('I have read this statement and sign it as my own').check();
      await signOff.getByLabel('Your password (to sign)').fill(PASSWORD);
      await signOff.getByRole('button', { name: 'Sign with override' }).click();
      await signOff
        .getByRole('alert')
        .getByText('Not signed: a high alert has not been acknowledged — SBP 188')
        .waitFor();
      expect((await world.a.nurse.get(`/sessions/${session.id}`)).body.phase).toBe('recovery');

      // Acknowledged on this page: the readiness follows from the alert event, without "Check again".
      const alertItem = page.locator('.alert-item', { hasText: /SBP 188/ });
      await alertItem.getByRole('button', { name: 'Acknowledge' }).click();
      await alertFree.locator('.criterion-state', { hasText: /^met$/ }).waitFor();
      await signOff.getByLabel('I have read this statement and sign it as my own').check();
      await signOff.getByLabel('Your password (to sign)').fill(PASSWORD);
      await signOff.getByRole('button', { name: 'Sign with override' }).click();
      await page.locator('.signature-block').waitFor();
      const signed = (await world.a.nurse.get(`/sessions/${session.id}`)).body;
      expect(signed.signature).toMatchObject({ meaning: 'discharge_approved_override' });
      expect(signed.signature.unmetCriteria).not.toContain('alert_free');
    } finally {
      latched.close();
    }
  });

  it('shows an admin the sign-off on the audit page, and verifies the chain', async () => {
    const admin = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInAs(admin, ADMIN.username, ADMIN.password);
    await admin.getByRole('link', { name: 'Audit' }).click();
    await admin.waitForURL('**/audit');
    const filters = admin.getByRole('form', { name: 'Audit filters' });
    await filters.getByLabel('Action').fill('session.signoff');
    await filters.getByLabel('Entity id').fill(sessionId);
    await filters.getByRole('button', { name: 'Show events' }).click();
    const row = admin.locator('tr[data-action="session.signoff"]');
    await eventually(async () => expect(await admin.locator('tbody tr').count()).toBe(1));
    await row.waitFor();
    // The trail names the actor by username, which stays unique when display names change.
    expect(await row.innerText()).toContain(`${clinician} (clinician)`);

    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(2); // the header and the one sign-off
    expect(csv).toContain('session.signoff');

    await admin.getByRole('button', { name: 'Verify chain' }).click();
    await admin.getByText('The audit chain is intact').waitFor();
    await expectNoSeriousAxeViolations(admin);
    await admin.close();
  });
});
