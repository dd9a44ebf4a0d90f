import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { runningApps, startApp, type RunningApp } from './app';
import { buildWorld, type World } from './api';
import { createTestDatabase, type TestDatabase } from './database';

/**
 * The set-up most end-to-end specs share, registered as Jest hooks of the `describe` that calls it:
 * a database of its own, the built service started on it, and (if asked) the two-site world of
 * `buildWorld`; after the describe's tests, every service started in it (restarts by the tests
 * included) is stopped and the database dropped. What was started is handed to
 * `started`, for the spec's own variables, before the spec's own `beforeAll` hooks run.
 */
export interface StartedApp {
  db: TestDatabase;
  app: RunningApp;
}

export interface StartedWorld extends StartedApp {
  world: World;
}

export interface AppOptions {
  /** Environment of the service, over startApp's defaults. */
  env?: Record<string, string>;
  /** Build the world (`buildWorld`) with this many devices per site. */
  world?: number;
  /** For starting it all, instead of Jest's testTimeout. */
  timeoutMs?: number;
}

export function useApp(options: AppOptions & { world: number }, started: (s: StartedWorld) => void): void;
export function useApp(options: AppOptions, started: (s: StartedApp) => void): void;
export function useApp(options: AppOptions, started: (s: StartedWorld) => void): void {
  let db: TestDatabase | undefined;
  let before: Set<RunningApp>;
  beforeAll(async () => {
    before = new Set(runningApps());
    db = await createTestDatabase();
    const app = await startApp(db.url, options.env);
    const world = options.world === undefined ? undefined : await buildWorld(app.url, options.world);
    // No world only for callers of the overload without one, whose `started` takes a StartedApp.
    started({ db, app, world: world! });
  }, options.timeoutMs);
  afterAll(async () => {
    for (const app of runningApps()) if (!before.has(app)) await app.stop();
    await db?.drop();
  });
}

// ---- the dashboard in a browser ---------------------------------------------------------------

/** Debian's Chromium (.ci/run installs it); playwright-core drives it, nothing is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserOptions {
  /** Chromium's command line, instead of CHROMIUM_ARGS. */
  args?: string[];
  /** playwright-core's default arguments to leave out. */
  ignoreDefaultArgs?: string[];
}

/**
 * Chromium for the describe's tests: launched before them, closed after them. Called before `useApp`,
 * it closes before the service stops (Jest runs the hooks of a describe in the order they were made).
 */
export function useBrowser(launched: (browser: Browser) => void, options: BrowserOptions = {}): void {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: options.args ?? CHROMIUM_ARGS,
      ...(options.ignoreDefaultArgs ? { ignoreDefaultArgs: options.ignoreDefaultArgs } : {}),
    });
    launched(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
}

/** Signs in through the dashboard's login page at `url`, as a nurse or an admin would. */
export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
