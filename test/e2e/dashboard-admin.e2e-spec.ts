import type { Browser, Page } from 'playwright-core';
import type { UserView } from '../../libs/contracts/src/index';
import { ADMIN, type RunningApp } from '../support/app';
import { Api, eventually, unique } from '../support/api';
import { expectNoSeriousAxeViolations } from '../support/axe';
import { signIn, useApp, useBrowser } from '../support/harness';
import { LiveMonitor } from './live-monitor';

describe('the admin page in a browser', () => {
  let app: RunningApp;
  let admin: Api;
  let browser: Browser;
  let page: Page;

  useBrowser((launched) => (browser = launched));
  useApp({}, (started) => ({ app } = started));
  beforeAll(async () => {
    admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  it('creates a site and a nurse of that site through the forms, then deactivates the nurse', async () => {
    await signIn(page, app.url, ADMIN.username, ADMIN.password);

    const siteName = unique('North clinic');
    const siteForm = page.getByRole('form', { name: 'New site' });
    await siteForm.getByLabel('Site name').fill(siteName);
    await siteForm.getByLabel('Time zone (optional)').fill('Europe/Dublin');
    await siteForm.getByRole('button', { name: 'Add site' }).click();
    const sites = page.locator('section[aria-labelledby="sites-title"] table');
    await sites.getByRole('cell', { name: siteName, exact: true }).waitFor();

    // The time zone can be changed later; the service checks it is an IANA name.
    await page.getByRole('button', { name: `Change time zone of ${siteName}` }).click();
    const zoneForm = page.getByRole('form', { name: `Time zone of ${siteName}` });
    await zoneForm.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await zoneForm.getByRole('button', { name: 'Save' }).click();
    await zoneForm.getByRole('alert').waitFor();
    await zoneForm.getByLabel('Time zone').fill('Europe/Paris');
    await zoneForm.getByRole('button', { name: 'Save' }).click();
    await sites.getByRole('cell', { name: 'Europe/Paris', exact: true }).waitFor();

    // The service's 409 is shown in words next to the form.
    await siteForm.getByLabel('Site name').fill(siteName);
    await siteForm.getByRole('button', { name: 'Add site' }).click();
    await siteForm
      .getByRole('alert')
      .filter({ hasText: `site "${siteName}" exists` })
      .waitFor();

    const username = unique('nurse.north').toLowerCase();
    const userForm = page.getByRole('form', { name: 'New user' });
    await userForm.getByLabel('Username').fill(username);
    await userForm.getByLabel('Display name').fill('Nora North, RN');
    await userForm.getByLabel('Role').selectOption('nurse');
    await userForm.getByLabel('Initial password').fill('north-password-123');
    await userForm.getByRole('checkbox', { name: siteName, exact: true }).check();
    await userForm.getByRole('button', { name: 'Add user' }).click();

    // Deactivation asks first; cancelling changes nothing.
    await page.getByRole('button', { name: `Deactivate ${username}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Deactivate Nora North, RN?' });
    await dialog.getByText('signed out everywhere at once').waitFor();
    await expectNoSeriousAxeViolations(page);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await admin.get<UserView[]>('/users')).body.find((u) => u.username === username)?.active).toBe(true);
    await page.getByRole('button', { name: `Deactivate ${username}`, exact: true }).click();
    await dialog.getByRole('button', { name: `Deactivate ${username}` }).click();
    await page.getByRole('button', { name: `Activate ${username}`, exact: true }).waitFor();

    const site = ((await admin.get('/sites')).body as { id: string; name: string }[]).find((s) => s.name === siteName);
    expect(site?.id).toBeDefined();
    const users = await admin.get<UserView[]>('/users');
    expect(users.status).toBe(200);
    const nurse = users.body.find((u) => u.username === username);
    expect(nurse).toMatchObject({ displayName: 'Nora North, RN', role: 'nurse', siteIds: [site!.id], active: false });
  });

  it('will not let the last active admin be deactivated or demoted, in the page as in the service', async () => {
    await page.getByRole('button', { name: 'Deactivate admin', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Deactivate Administrator?' });
    await dialog.getByText('Administrator is the last active administrator').waitFor();
    expect(await dialog.getByRole('button', { name: /^Deactivate/ }).count()).toBe(0);
    await expectNoSeriousAxeViolations(page);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Demoting goes to the service, which refuses it (409 last_admin); the page says so in words.
    await page.getByRole('button', { name: 'Edit admin', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Change admin' });
    await edit.getByLabel('Role').selectOption('nurse');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit
      .getByRole('alert')
      .getByText('Administrator is the last active admin; make another user an admin first')
      .waitFor();
    const me = (await admin.get<UserView[]>('/users')).body.find((u) => u.username === ADMIN.username);
    expect(me).toMatchObject({ role: 'admin', active: true });
  });

  it('shows when each device was last seen, noted again at disconnect rather than frozen at connect', async () => {
    const site = ((await admin.get('/sites')).body as { id: string }[])[0]!;
    const device = (await admin.post('/devices', { siteId: site.id, name: 'Chair 9 monitor' })).body as {
      id: string;
      token: string;
    };
    const lastSeen = async () =>
      ((await admin.get('/devices')).body as { id: string; lastSeenAt: string | null }[]).find(
        (d) => d.id === device.id,
      )!.lastSeenAt;
    expect(await lastSeen()).toBeNull();
    const monitor = await LiveMonitor.connect(app.url, device.token);
    await eventually(async () => expect(await lastSeen()).not.toBeNull());
    const atConnect = Date.parse((await lastSeen())!);
    await page.reload();
    const row = page.locator('tr', { hasText: 'Chair 9 monitor' });
    expect(await row.innerText()).toMatch(/\d+ s ago/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    monitor.close();
    await eventually(async () => expect(Date.parse((await lastSeen())!)).toBeGreaterThanOrEqual(atConnect + 1000));
    await expectNoSeriousAxeViolations(page);
  });

  it('registers a monitor that reports over HL7 v2 from the devices form', async () => {
    const devices = page.locator('section[aria-labelledby="devices-title"]');
    const name = unique('Chair 9 monitor');
    await devices.getByLabel('Name', { exact: true }).fill(name);
    await devices.getByLabel('HL7 sending application (MSH-3, optional)').fill('AcmeGateway');
    await devices.getByLabel('HL7 facility (MSH-4)').fill('ICU');
    await devices.getByLabel('EUI-64 or bed (PV1-3)').fill('00-11-22-33-44-55-66-77');
    await devices.getByRole('button', { name: 'Add device' }).click();
    await devices.getByRole('cell', { name: 'HL7 AcmeGateway @ ICU, EUI-64 0011223344556677', exact: true }).waitFor();
    // No token to copy for an HL7 source: it is known by its MSH-3/4 and EUI-64.
    expect(await devices.locator('.token-once').count()).toBe(0);
    const listed = (await admin.get('/devices')).body as { name: string; hl7Source: unknown }[];
    expect(listed.find((d) => d.name === name)?.hl7Source).toEqual({
      sendingApplication: 'AcmeGateway',
      sendingFacility: 'ICU',
      eui64: '0011223344556677',
      bed: null,
    });
  });
});
