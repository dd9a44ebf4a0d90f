import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { UserView } from '../../libs/contracts/src/index';
import { ADMIN, startApp, type RunningApp } from '../support/app';
import { Api, unique } from '../support/api';
import { createTestDatabase } from '../support/database';

/** Debian's Chromium (.ci/run installs it); playwright-core drives it, nothing is downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the admin page in a browser', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let admin: Api;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    db = await createTestDatabase();
    app = await startApp(db.url);
    admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await db?.drop();
  });

  it('creates a site and a nurse of that site through the forms, then deactivates the nurse', async () => {
    await page.goto(app.url);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const siteName = unique('North clinic');
    const siteForm = page.getByRole('form', { name: 'New site' });
    await siteForm.getByLabel('Site name').fill(siteName);
    await siteForm.getByLabel('Time zone (optional)').fill('Europe/Dublin');
    await siteForm.getByRole('button', { name: 'Add site' }).click();
    const sites = page.locator('section[aria-labelledby="sites-title"] table');
    await sites.getByRole('cell', { name: siteName, exact: true }).waitFor();

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

    await page.getByRole('button', { name: `Deactivate ${username}`, exact: true }).click();
    await page.getByRole('button', { name: `Activate ${username}`, exact: true }).waitFor();

    const site = ((await admin.get('/sites')).body as { id: string; name: string }[]).find((s) => s.name === siteName);
    expect(site?.id).toBeDefined();
    const users = await admin.get<UserView[]>('/users');
    expect(users.status).toBe(200);
    const nurse = users.body.find((u) => u.username === username);
    expect(nurse).toMatchObject({ displayName: 'Nora North, RN', role: 'nurse', siteIds: [site!.id], active: false });
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
