import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_ACCOUNTS } from '../../libs/contracts/src/index';
import { startSimulation } from '../../apps/simulator/src/simulation';
import { ADMIN, startApp, type RunningApp } from '../support/app';
import { Api, connectWard, eventually, unique } from '../support/api';
import { createTestDatabase } from '../support/database';
import { ROOT, exited, spawnUntil } from '../support/processes';

const demoLogin = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;

describe('the demo (npm start)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  let demo: { child: ChildProcess; output: () => string } | null = null;
  let app: RunningApp | null = null;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-demo-'));
  });

  afterAll(async () => {
    demo?.child.kill('SIGKILL');
    await app?.stop();
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  /** Runs the demo launcher as `npm start` does and waits for its banner. */
  async function startDemo(): Promise<string> {
    const started = await spawnUntil(
      path.join(ROOT, 'dist/apps/simulator/src/demo.js'),
      [],
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: '0',
        ADMIN_PASSWORD: ADMIN.password,
        DEMO_CHAIRS: '3',
      },
      /Dashboard:\s+(http:\/\/127\.0\.0\.1:\d+)\//,
      90_000,
    );
    demo = started;
    return started.match[1]!;
  }

  async function stopDemo(): Promise<number | null> {
    demo!.child.kill('SIGINT');
    const code = await exited(demo!.child);
    demo = null;
    return code;
  }

  it('starts the service with simulated chairs streaming, and prints the address and the demo logins', async () => {
    const url = await startDemo();
    for (const account of DEMO_ACCOUNTS) expect(demo!.output()).toContain(`${account.username} / ${account.password}`);
    expect((await fetch(`${url}/`)).headers.get('content-type')).toMatch(/text\/html/);

    const nurse = await new Api(url).login(demoLogin('nurse').username, demoLogin('nurse').password);
    const ward = await connectWard(nurse);
    const { sessions } = await ward.snapshot;
    expect(sessions.map((s) => s.chair).sort()).toEqual(['Chair 1', 'Chair 2', 'Chair 3']);
    expect(sessions.every((s) => s.phase === 'baseline')).toBe(true);
    // Every chair streams once a second.
    await eventually(() => expect(new Set(ward.vitals.map((v) => v.sessionId)).size).toBe(3), 10_000);
    ward.close();
    expect(await stopDemo()).toBe(0);
  }, 120_000);

  it('keeps the demo accounts switched off while the service runs without demo mode', async () => {
    app = await startApp(database.url);
    const { username, password } = demoLogin('nurse');
    expect((await new Api(app.url).post('/auth/login', { username, password })).status).toBe(401);
    const admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    const users = (await admin.get('/users')).body as { username: string; active: boolean }[];
    for (const account of DEMO_ACCOUNTS)
      expect(users.find((u) => u.username === account.username)).toMatchObject({ active: false });
    const events = (await admin.get('/audit?action=user.update&limit=100')).body.items as {
      after: { username: string; active: boolean };
      details: { reason?: string };
    }[];
    expect(events.filter((e) => e.details?.reason === 'the service runs without DEMO=1')).toHaveLength(3);
    await app.stop();
    app = null;

    // Demo mode again: the accounts come back, and the chairs keep their devices.
    const url = await startDemo();
    const demoAdmin = await new Api(url).login(demoLogin('admin').username, demoLogin('admin').password);
    const devices = (await demoAdmin.get('/devices')).body as { revokedAt: string | null }[];
    expect(devices.filter((d) => !d.revokedAt)).toHaveLength(3);
    expect(await stopDemo()).toBe(0);
  }, 180_000);

  it('refuses demo mode in production', async () => {
    await expect(
      spawnUntil(
        path.join(ROOT, 'dist/apps/api/src/main.js'),
        [],
        { PATH: process.env.PATH, DEMO: '1', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) },
        /never/,
      ),
    ).rejects.toThrow(/DEMO=1 is not allowed when NODE_ENV=production/);
  });
});

describe('a simulated chair', () => {
  let database: { url: string; drop: () => Promise<void> };
  let app: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startApp(database.url);
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('runs a patient from baseline through the infusion and recovery to a signed discharge', async () => {
    const log: string[] = [];
    const simulation = await startSimulation({
      baseUrl: app.url,
      admin: ADMIN,
      siteName: unique('Simulated Clinic'),
      chairs: 1,
      speed: 240, // the 40-minute infusion in 10 s
      severeRate: 1,
      seed: 11,
      autoDischargeAfterSeconds: 0,
      staggerSeconds: 0,
      statePath: null,
      log: (line) => log.push(line),
    });
    try {
      const admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
      let session: { id: string; phase: string } | undefined;
      // The gate's 60 s of baseline data go out at once, stamped with the minute before the session
      // opened (time compressed); then 2.5 s of baseline, 10 s of infusion and 15–23 s of recovery.
      await eventually(async () => {
        const events = (await admin.get(`/audit?action=session.signoff&siteId=${simulation.siteId}`)).body.items;
        expect(events).toHaveLength(1);
        session = { id: events[0].entityId, phase: 'discharged' };
      }, 150_000);
      const staff = (await admin.get('/users')).body.find((u: { username: string; siteIds: string[] }) =>
        u.siteIds.includes(simulation.siteId),
      );
      expect(staff.role).toBe('clinician');
      const phases = (await admin.get(`/audit?entityId=${session!.id}&limit=100`)).body.items.map(
        (e: { action: string }) => e.action,
      );
      expect(phases).toEqual(
        expect.arrayContaining(['session.create', 'session.infusion_start', 'session.infusion_end', 'session.signoff']),
      );
      expect(log.join('\n')).toMatch(/infusion started[\s\S]*recovery[\s\S]*discharged/);
      const device = simulation.devices[0]!;
      expect(device.stats.acknowledged).toBeGreaterThan(80);
      // Nothing was refused but, at most, a reading sent as the discharge closed the session.
      expect(Object.keys(device.stats.refused).filter((code) => code !== 'no_active_session')).toEqual([]);
      expect(device.stats.refused.no_active_session ?? 0).toBeLessThanOrEqual(1);
    } finally {
      await simulation.stop();
    }
  }, 200_000);
});
