import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
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
const PASSWORD = 'amber-lantern-harbour-7';
const SIGN_IN_KEY = 'infusion-monitor.sign-in';

/** The dashboard when access ends (issue 13, findings 1 and 2): back to the login page, saying why. */
describe('the dashboard when access ends', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let admin: Api;
  let siteId: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    db = await createTestDatabase();
    app = await startApp(db.url);
    admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    siteId = (await admin.ok('/sites', { name: unique('site') })).id;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await db?.drop();
  });

  async function signedInNurse(): Promise<{ id: string; page: Page }> {
    const username = unique('nurse').toLowerCase();
    const { id } = await admin.ok('/users', {
      username,
      displayName: 'Ward Nurse',
      role: 'nurse',
      password: PASSWORD,
      siteIds: [siteId],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return { id, page };
  }

  it('returns to the login page saying why when the password is reset elsewhere', async () => {
    const { id, page } = await signedInNurse();
    await admin.patch(`/users/${id}`, { password: 'quiet-harbour-lantern-9' });
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('signed-out').textContent()).resolves.toBe('Signed out: Your password was changed.');
    await page.close();
  });

  it('ends the token at the service when the nurse signs out', async () => {
    const { page } = await signedInNurse();
    const stored = await page.evaluate((key) => sessionStorage.getItem(key), SIGN_IN_KEY);
    const token = (JSON.parse(stored!) as { token: string }).token;
    expect((await new Api(app.url, token).get('/auth/me')).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('signed-out').count()).toBe(0);
    expect((await new Api(app.url, token).get('/auth/me')).status).toBe(401);
    await page.close();
  });
});
