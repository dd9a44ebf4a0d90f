import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ADMIN, type RunningApp } from '../support/app';
import { Api, connectDevice, sessionBody, unique, type World } from '../support/api';
import { LiveMonitor } from './live-monitor';
import { signIn, useApp } from '../support/harness';

/**
 * Hardening of the REST surface: formulas out of the audit CSV, 409 for concurrent duplicates, one
 * strict date-time check, recovery observations in time, and security headers that the dashboard and
 * Swagger UI work under (checked in Chromium). The service's own logs, timeouts and outages are in
 * test/resilience/hardening.resilience-spec.ts.
 */
describe('hardening', () => {
  let app: RunningApp;
  let world: World;

  useApp({ world: 0 }, (started) => ({ app, world } = started));

  /** A session with a connected monitor and a baseline, moved on to `phase`. */
  async function session(phase: 'baseline' | 'recovery') {
    const { session: created, monitor } = await LiveMonitor.atChair(world, app.url);
    await monitor.baseline(120, 80);
    if (phase === 'recovery') {
      await world.a.nurse.ok(`/sessions/${created.id}/infusion-start`, {});
      await world.a.nurse.ok(`/sessions/${created.id}/infusion-end`);
    }
    return { id: created.id as string, patientRef: created.patientRef as string, monitor };
  }

  describe('audit CSV export (finding 5)', () => {
    it('turns cells that a spreadsheet would run as a formula into text', async () => {
      const hostile = ['=HYPERLINK("http://x","y")', '+SUM(1,2)', '-2+3', '@cmd', '\tTAB', '\rCR'];
      for (const username of hostile) {
        expect((await new Api(app.url).post('/auth/login', { username, password: 'wrong-password' })).status).toBe(401);
      }
      const response = await fetch(`${app.url}/api/v1/audit/export?format=csv&action=auth.login_failed`, {
        headers: { authorization: `Bearer ${world.admin.token}` },
      });
      expect(response.status).toBe(200);
      const csv = await response.text();
      expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
      expect(csv).toContain(`"'+SUM(1,2)"`);
      expect(csv).toContain(`,'-2+3,`);
      expect(csv).toContain(`,'@cmd,`);
      expect(csv).toContain(`,'\tTAB,`);
      expect(csv).toContain(`"'\rCR"`);
      // No cell, quoted or not, starts with a formula character.
      expect(csv).not.toMatch(/(^|,)"?[=+\-@\t\r]/m);
    });
  });

  describe('unique violations and dates (finding 6)', () => {
    it('answers 409, never 500, when the same username or site name is created at once', async () => {
      for (let round = 0; round < 4; round++) {
        const username = unique('twin').toLowerCase();
        const users = await Promise.all(
          Array.from({ length: 6 }, () =>
            world.admin.post('/users', {
              username,
              displayName: 'Twin',
              role: 'nurse',
              password: 'twin-password-123',
              siteIds: [world.a.siteId],
            }),
          ),
        );
        const name = unique('twin-site');
        const sites = await Promise.all(Array.from({ length: 6 }, () => world.admin.post('/sites', { name })));
        for (const answers of [users, sites]) {
          expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
          for (const answer of answers.filter((a) => a.status === 409)) {
            expect(answer.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
          }
        }
      }
    });

    it('refuses a date-time that is not ISO 8601 extended with an offset with 400, on every endpoint', async () => {
      const { id } = await session('baseline');
      const nurse = world.a.nurse;
      for (const bad of ['20260101T000000Z', '2026-02-30T10:00:00Z', '2026-01-01T10:00:00', '2026-01-01T24:00:00Z']) {
        const q = encodeURIComponent(bad);
        for (const answer of [
          await world.admin.get(`/audit?from=${q}`),
          await world.admin.get(`/audit?to=${q}`),
          await fetch(`${app.url}/api/v1/audit/export?format=csv&from=${q}`, {
            headers: { authorization: `Bearer ${world.admin.token}` },
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown })),
          await nurse.get(`/sessions/${id}/readings?from=${q}`),
          await nurse.get(`/sessions?from=${q}`),
          await nurse.post('/sessions', {
            ...sessionBody(world.a.siteId, id, world.protocolId),
            consent: { obtainedAt: bad, witnessedBy: 'A. Witness' },
          }),
        ]) {
          expect([bad, answer.status]).toEqual([bad, 400]);
          expect(answer.body).toMatchObject({ statusCode: 400 });
        }
      }
      const fine = encodeURIComponent('2026-01-01T00:00:00.000+01:00');
      expect((await world.admin.get(`/audit?from=${fine}`)).status).toBe(200);
      expect((await nurse.get(`/sessions/${id}/readings?from=${fine}`)).status).toBe(200);
    });
  });

  describe('recovery observations in time (finding 10)', () => {
    const observation = (observedAt: Date) => ({
      observedAt: observedAt.toISOString(),
      moaas: 5,
      oriented: true,
      steadyGait: true,
      nausea: 'none',
      pain: 1,
    });

    it('refuses an observation dated in the future or before the infusion ended, and takes one within the tolerance', async () => {
      const { id, monitor } = await session('recovery');
      const nurse = world.a.nurse;
      const tomorrow = await nurse.post(`/sessions/${id}/recovery-observations`, {
        ...observation(new Date(Date.now() + 24 * 3600_000)),
        moaas: 5,
      });
      expect(tomorrow.status).toBe(400);
      expect(tomorrow.body.details).toMatchObject({ field: 'observedAt', reason: 'in_future' });
      const before = await nurse.post(
        `/sessions/${id}/recovery-observations`,
        observation(new Date(Date.now() - 3600_000)),
      );
      expect(before.status).toBe(400);
      expect(before.body.details).toMatchObject({ field: 'observedAt', reason: 'before_infusion_end' });
      // A screen whose clock is a minute ahead of the server's is still taken.
      const ahead = await nurse.post(`/sessions/${id}/recovery-observations`, {
        ...observation(new Date(Date.now() + 60_000)),
        moaas: 2,
      });
      expect(ahead.status).toBe(201);
      // The refused "tomorrow" observation (MOAA/S 5) does not mask the real, latest one (MOAA/S 2).
      const readiness = await nurse.get(`/sessions/${id}/discharge-readiness`);
      expect(readiness.body.blockers).toContain('sedation_cleared');
      monitor.close();
    });
  });

  describe('readings dated before their session (finding 10)', () => {
    it('refuses a reading dated more than 5 minutes before the session began with clock_skew, and takes a backlog from within it', async () => {
      const device = await world.admin.ok('/devices', { siteId: world.a.siteId, name: unique('monitor') });
      const created = await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
      const began = Date.parse(created.createdAt as string);
      const client = await connectDevice(app.url, device.token);
      await client.resume;
      const at = (ms: number, seq: number) => ({ seq, recordedAt: new Date(ms).toISOString(), hr: 70, spo2: 98 });
      for (const [seq, when] of [
        [1, 0], // 1970
        [2, Date.parse('2026-01-01T00:00:00Z')],
        [3, began - 6 * 60_000],
      ] as const) {
        expect(await client.send(at(when, seq))).toMatchObject({ ok: false, seq, error: { code: 'clock_skew' } });
      }
      // Within the tolerance, and a backlog sent at once after an outage: all stored.
      expect(await client.send(at(began - 4 * 60_000, 4))).toMatchObject({ ok: true });
      const backlog = Array.from({ length: 120 }, (_, i) => at(began + i * 500, 10 + i));
      const ack = await client.sendBatch(backlog);
      expect(ack.ok && ack.results.every((r) => r.ok)).toBe(true);
      const stored = await world.a.nurse.get(`/sessions/${created.id}/readings?maxPoints=5000`);
      expect(stored.body.total).toBe(121);
      client.close();
    });
  });

  describe('security headers (finding 7)', () => {
    it('sends CSP, frame-ancestors none, nosniff and a referrer policy, and no-store on every API answer', async () => {
      const { id } = await session('baseline');
      const nurse = world.a.nurse;
      for (const path of ['/', '/api/docs', '/health', '/api/v1/sessions']) {
        const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${nurse.token}` } });
        const csp = response.headers.get('content-security-policy') ?? '';
        expect([path, csp]).toEqual([path, expect.stringContaining("frame-ancestors 'none'")]);
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('upgrade-insecure-requests');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      }
      const patientData = [
        await nurse.get(`/sessions/${id}`),
        await nurse.get(`/sessions/${id}/readings`),
        await nurse.get(`/sessions/${id}/alerts`),
        await nurse.get('/sessions'),
        await nurse.get(`/sessions/${id}/record`),
        await nurse.get('/sessions/00000000-0000-4000-8000-000000000000'),
        await nurse.post('/sessions', {}),
        await world.admin.get('/audit'),
        await world.admin.get('/users'),
        await new Api(app.url).get('/auth/me'),
      ];
      for (const answer of patientData) expect(answer.headers.get('cache-control')).toBe('no-store');
      const poll = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`);
      expect(poll.headers.get('cache-control')).toBe('no-store');
      expect(poll.headers.get('x-content-type-options')).toBe('nosniff');
    });

    describe('in Chromium', () => {
      const CHROMIUM = '/usr/bin/chromium';
      let browser: Browser;

      beforeAll(async () => {
        if (!existsSync(CHROMIUM))
          throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
        browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            '--autoplay-policy=no-user-gesture-required',
          ],
        });
      });

      afterAll(async () => {
        await browser?.close();
      });

      /** A page that collects every CSP violation, as an event and as a console message. */
      async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const violations: string[] = [];
        page.on('console', (message) => {
          if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
        });
        await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
        await page.addInitScript(() => {
          document.addEventListener('securitypolicyviolation', (event) => {
            const report = (window as unknown as { reportCspViolation: (t: string) => void }).reportCspViolation;
            report(`${event.violatedDirective} ${event.blockedURI}`);
          });
        });
        return { page, violations };
      }

      async function signInAs(page: Page, username: string, password: string): Promise<void> {
        await signIn(page, app.url, username, password);
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
      }

      it('runs the dashboard (board, trends, alarm sound, audit page) with no CSP violation', async () => {
        const { id } = await session('baseline');
        const username = unique('csp-nurse').toLowerCase();
        const password = 'csp-nurse-password-1';
        await world.admin.ok('/users', {
          username,
          displayName: 'CSP Nurse',
          role: 'nurse',
          password,
          siteIds: [world.a.siteId],
        });
        const { page, violations } = await watchedPage();
        await signInAs(page, username, password);
        await page.locator(`[data-session-id="${id}"]`).waitFor();
        await page.goto(`${app.url}/sessions/${id}`);
        // The trend charts (uPlot, on canvas), drawn from the readings.
        await page.locator('.uplot canvas').first().waitFor();
        // The alarm's sound: Web Audio must be allowed to run.
        const audio = await page.evaluate(async () => {
          const context = new AudioContext();
          const oscillator = context.createOscillator();
          oscillator.connect(context.destination);
          oscillator.start();
          oscillator.stop(context.currentTime + 0.01);
          await context.resume();
          return context.state;
        });
        expect(audio).toBe('running');
        await page.close();

        const admin = await watchedPage();
        await signInAs(admin.page, ADMIN.username, ADMIN.password);
        await admin.page.goto(`${app.url}/audit`);
        await admin.page.getByRole('button', { name: 'Export CSV' }).waitFor();
        await admin.page.getByText('auth.login').first().waitFor();
        await admin.page.close();
        expect([...violations, ...admin.violations]).toEqual([]);
      });

      it('runs Swagger UI at /api/docs with no CSP violation', async () => {
        const { page, violations } = await watchedPage();
        await page.goto(`${app.url}/api/docs`);
        await page.locator('.swagger-ui .opblock').first().waitFor();
        await page.getByText('Infusion Monitor').first().waitFor();
        expect(violations).toEqual([]);
        await page.close();
      });

      it('refuses to be framed by another page', async () => {
        const { page, violations } = await watchedPage();
        await page.setContent(`<iframe src="${app.url}/"></iframe>`);
        await page.waitForTimeout(500);
        const framed = page.frames().find((frame) => frame.url().startsWith(app.url));
        const text = framed ? await framed.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
        expect(text).not.toContain('Sign in');
        expect(violations.some((v) => /frame-ancestors/.test(v))).toBe(true);
        await page.close();
      });
    });
  });
});
