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
});
