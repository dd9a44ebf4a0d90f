import type { Browser, Page } from 'playwright-core';
import { ADMIN, type RunningApp } from '../support/app';
import { Api, unique } from '../support/api';
import { signIn, useApp, useBrowser } from '../support/harness';

const PASSWORD = 'amber-lantern-harbour-7';
const SIGN_IN_KEY = 'infusion-monitor.sign-in';

/** The dashboard when access ends (issue 13, findings 1 and 2): back to the login page, saying why. */
describe('the dashboard when access ends', () => {
  let app: RunningApp;
  let admin: Api;
  let siteId: string;
  let browser: Browser;

  useBrowser((launched) => (browser = launched));
  useApp({}, (started) => ({ app } = started));
  beforeAll(async () => {
    admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    siteId = (await admin.ok('/sites', { name: unique('site') })).id;
  });

  async function signedInNurse(): Promise<{ id: string; username: string; page: Page }> {
    const username = unique('nurse').toLowerCase();
    const { id } = await admin.ok('/users', {
      username,
      displayName: 'Ward Nurse',
      role: 'nurse',
      password: PASSWORD,
      siteIds: [siteId],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, app.url, username, PASSWORD);
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    return { id, username, page };
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
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('signed-out').count()).toBe(0);
    expect((await new Api(app.url, token).get('/auth/me')).status).toBe(401);
    await page.close();
  });

  it('changes the user’s own password, ending their other sign-ins but not this one', async () => {
    const { username, page } = await signedInNurse();
    const elsewhere = await new Api(app.url).login(username, PASSWORD);
    await page.getByRole('link', { name: /Ward Nurse/ }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill('password1234');
    await page.getByLabel('New password again').fill('password1234');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('most often used');
    await page.getByLabel('New password', { exact: true }).fill('quiet-harbour-lantern-9');
    await page.getByLabel('New password again').fill('quiet-harbour-lantern-9');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other sign-ins were ended.').waitFor();
    expect((await elsewhere.get('/auth/me')).status).toBe(401);
    // The old token's ward socket is closed by the service; this tab goes on with its new token.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await page.getByRole('button', { name: 'Sign out', exact: true }).isVisible()).toBe(true);
    const stored = await page.evaluate((key) => sessionStorage.getItem(key), SIGN_IN_KEY);
    const token = (JSON.parse(stored!) as { token: string }).token;
    expect((await new Api(app.url, token).get('/auth/me')).status).toBe(200);
    await page.close();
  });
});
