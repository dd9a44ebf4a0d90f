import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Alert } from '../../libs/contracts/src/index';
import { startApp, type RunningApp } from '../support/app';
import { eventually, unique, type World } from '../support/api';
import { signIn, useApp, useBrowser } from '../support/harness';
import { ROOT } from '../support/processes';
import { LiveMonitor } from './live-monitor';

const PASSWORD = 'ward-password-123';
const screenshot = (name: string) => path.join(ROOT, 'docs/screenshots', name);

describe('the ward dashboard in a browser', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;
  let browser: Browser;
  let page: Page;
  const monitors: LiveMonitor[] = [];
  let nurseB: string;
  const chairs: { id: string; patientRef: string; monitor: LiveMonitor }[] = [];

  /** A user with a known password (buildWorld's are not exposed), to sign in through the page. */
  async function staff(siteId: string, displayName: string): Promise<string> {
    const username = unique('ward-nurse').toLowerCase();
    await world.admin.ok('/users', { username, displayName, role: 'nurse', password: PASSWORD, siteIds: [siteId] });
    return username;
  }

  async function chair(name: string) {
    const { session, monitor } = await LiveMonitor.atChair(world, app.url, { extra: { chair: name } });
    monitors.push(monitor);
    const made = { id: session.id as string, patientRef: session.patientRef as string, monitor };
    chairs.push(made);
    return made;
  }

  async function signInAs(target: Page, username: string): Promise<void> {
    await signIn(target, app.url, username, PASSWORD);
  }

  const tile = (sessionId: string) => page.locator(`[data-session-id="${sessionId}"]`);

  afterAll(() => {
    for (const monitor of monitors) monitor.close();
  });
  useBrowser((launched) => (browser = launched));
  useApp({ world: 0 }, (started) => ({ db, app, world } = started));
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  it('serves the dashboard at / and on its own paths, and leaves the API to the service', async () => {
    const root = await fetch(`${app.url}/`);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    const deepLink = await fetch(`${app.url}/sessions/00000000-0000-0000-0000-000000000000`);
    expect(await deepLink.text()).toContain('<div id="root">');
    const unknownApi = await fetch(`${app.url}/api/v1/no-such-thing`);
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toMatch(/json/);
    // Outside /api/v1 too: the contract's error body, never Express's HTML page or the dashboard.
    for (const [method, url] of [
      ['GET', '/api/v2/sessions'],
      ['GET', '/api'],
      ['POST', '/api/v2/auth/login'],
      ['DELETE', '/health'],
    ] as const) {
      const response = await fetch(`${app.url}${url}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'not_found',
        message: `Cannot ${method} ${url}`,
      });
    }
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/assets/missing.js`)).status).toBe(404);
  });

  it('signs a nurse in and keeps a tile live from a monitor streaming over a socket', async () => {
    const nurseA = await staff(world.a.siteId, 'Ada Byrne, RN');
    nurseB = await staff(world.b.siteId, 'Ben Okafor, RN');
    const first = await chair('Chair 1');
    await signInAs(page, nurseA);
    await tile(first.id).waitFor();
    expect(await tile(first.id).innerText()).toContain('Baseline');

    await first.monitor.baseline(120, 80);
    await eventually(async () => {
      const text = await tile(first.id).innerText();
      expect(text).toMatch(/HR \/min\s*7\d/);
      expect(text).toMatch(/BP mmHg\s*120\/80/);
    });
    await first.monitor.stream(1, () => ({ hr: 97, spo2: 96 }));
    await eventually(async () => expect(await tile(first.id).innerText()).toMatch(/HR \/min\s*97/));
  });

  it('shows a high alert within 2 s of the reading that raises it, flashing, in colour and in words', async () => {
    const [first] = chairs;
    // Two more chairs so the board looks like a ward: one with a medium alert, one still in baseline.
    const second = await chair('Chair 2');
    await second.monitor.baseline(118, 76, 80);
    await world.a.nurse.ok(`/sessions/${second.id}/infusion-start`, {});
    await second.monitor.cuff(150, 84, 84);
    await second.monitor.cuff(152, 86, 86);
    const third = await chair('Chair 3');
    await third.monitor.stream(20, (i) => ({ hr: 66 + (i % 3), spo2: 99 }));

    await world.a.nurse.ok(`/sessions/${first!.id}/infusion-start`, {});
    await eventually(async () => expect(await tile(first!.id).innerText()).toContain('Infusing'));
    const sentAt = Date.now();
    await first!.monitor.cuff(190, 100, 96);
    await tile(first!.id)
      .locator('.tile-alert', { hasText: /HIGH · SBP 190/ })
      .waitFor({ timeout: 2000 });
    expect(Date.now() - sentAt).toBeLessThan(2000);
    expect(await tile(first!.id).getAttribute('data-alarm-priority')).toBe('high');
    expect(await tile(first!.id).getAttribute('data-alarm-state')).toBe('active');
    expect(await tile(first!.id).innerText()).toContain('not acknowledged');
    await page.locator('.alarm-count.prio-high', { hasText: /1 high\s+Chair 1/ }).waitFor();
    await tile(second.id)
      .locator('.tile-alert', { hasText: /MEDIUM · SBP/ })
      .waitFor();
  });

  it('opens the session, charts it, and takes an acknowledgement with a note', async () => {
    const [first] = chairs;
    await tile(first!.id).click();
    await page.waitForURL(`**/sessions/${first!.id}`);
    const alertItem = page.locator('.alert-item', { hasText: /HIGH · SBP 190/ });
    await alertItem.waitFor();
    // BP, HR and SpO2 each on a chart of its own unit.
    await eventually(async () => expect(await page.locator('.chart canvas').count()).toBe(3));
    // Live on this page too: a reading after it opened is charted, and each legend shows the latest value unhovered.
    await first!.monitor.stream(3, () => ({ hr: 101, spo2: 95 }));
    await eventually(async () => expect(await page.locator('.vitals').innerText()).toMatch(/HR \/min\s*101/));
    await eventually(async () => {
      expect(await page.locator('.legend-entry[data-series="HR"]').innerText()).toMatch(/^HR 101 \/min latest/);
      expect(await page.locator('.legend-entry[data-series="SpO2"]').innerText()).toMatch(/^SpO2 95 % latest/);
      expect(await page.locator('.legend-entry[data-series="SBP"]').innerText()).toMatch(/^SBP \d+ mmHg latest/);
    });
    await page.screenshot({ path: screenshot('session.png'), animations: 'disabled' });

    await alertItem.getByPlaceholder('Note (optional)').fill('Rechecked manually 184/98; doctor informed');
    await alertItem.getByRole('button', { name: 'Acknowledge' }).click();
    await eventually(async () => expect(await alertItem.innerText()).toMatch(/acknowledged by Ada Byrne, RN/));
    expect(await alertItem.innerText()).toContain('Rechecked manually 184/98');
    const stored = (await world.a.nurse.get(`/sessions/${first!.id}/alerts`)).body as (Alert & {
      acknowledgementNote: string;
    })[];
    expect(stored.find((a) => a.kind === 'bp_rise')).toMatchObject({
      state: 'acknowledged',
      acknowledgementNote: 'Rechecked manually 184/98; doctor informed',
    });
    await page.locator('.alarm-count.prio-high').waitFor({ state: 'detached' });
  });

  it('shows a nurse of another site none of it', async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInAs(other, nurseB);
    await other.getByText('No open sessions at your sites.').waitFor();
    const board = await other.locator('main').innerText();
    for (const { patientRef } of chairs) expect(board).not.toContain(patientRef);
    expect(board).not.toContain('Chair');

    await other.goto(`${app.url}/sessions/${chairs[0]!.id}`);
    await other.getByText('This session was not found').waitFor();
    expect(await other.locator('main').innerText()).not.toContain(chairs[0]!.patientRef);
    await other.close();
  });

  it('makes a lost connection obvious, then rebuilds the board from the new snapshot', async () => {
    await page.goto(app.url);
    const [first] = chairs;
    await tile(first!.id).waitFor();
    // Let the tiles' history requests finish: a request in flight holds the service's shutdown open.
    await page.waitForLoadState('networkidle');
    const port = app.port;
    await app.stop();
    await page.getByText('Connection lost').waitFor();
    expect(await page.locator('.board').getAttribute('class')).toContain('not-live');

    app = await startApp(db.url, { PORT: String(port) });
    await page.getByText('Connection lost').waitFor({ state: 'detached', timeout: 15_000 });
    await tile(first!.id).waitFor();
    expect(await page.locator('.board').getAttribute('class')).not.toContain('not-live');
  });
});
