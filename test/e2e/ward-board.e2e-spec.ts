import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningApp } from '../support/app';
import { Api, eventually, unique, type World } from '../support/api';
import { expectNoSeriousAxeViolations } from '../support/axe';
import { signIn, useApp, useBrowser } from '../support/harness';
import { ROOT } from '../support/processes';
import { LiveMonitor } from './live-monitor';

/**
 * The ward board as a nurse meets it: sixteen chairs on a tablet with three high alarms, a medium
 * alarm's tone and flash, latched against active, sound held back by the browser after a reload, no
 * overlapping text at three screen sizes, and no serious accessibility violation.
 */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
const PASSWORD = 'ward-board-password-123';
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];
const OVERRIDE = 'Baseline taken on the pre-assessment monitor this morning';

/**
 * Records every Web Audio pulse the page starts: the oscillator's pitch and wave form. Installed
 * before the page's own scripts; it observes the real AudioContext, it does not replace it.
 */
function recordOscillators() {
  const started: { hz: number; type: string; at: number }[] = [];
  (window as unknown as { __oscillatorsStarted: typeof started }).__oscillatorsStarted = started;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
    started.push({ hz: this.frequency.value, type: this.type, at: Date.now() });
    return start.call(this, when);
  };
}

type Scenario = 'calm' | 'baseline' | 'high' | 'medium' | 'technical' | 'latched';

describe('the ward board at central-station grade', () => {
  let app: RunningApp;
  let world: World;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const monitors: LiveMonitor[] = [];
  const chairs = new Map<string, { id: string; scenario: Scenario; monitor: LiveMonitor; hr: number }>();
  let keepStreaming: ReturnType<typeof setInterval> | undefined;

  /** Each monitor goes on sending HR and SpO2 every 2 s, as a real one does (each second). */
  function streamAll(): void {
    let tick = 0;
    keepStreaming = setInterval(() => {
      tick++;
      for (const { scenario, monitor, hr } of chairs.values()) {
        const values =
          scenario === 'technical'
            ? { hr: 0, spo2: 0 }
            : { hr: hr + (tick % 3), spo2: scenario === 'medium' ? 91 : 97 + (tick % 2) };
        monitor.stream(1, () => values).catch(() => undefined);
      }
    }, 2000);
  }
  let nurseA: string;
  let nurseB: string;

  async function staff(siteId: string, displayName: string): Promise<string> {
    const username = unique('board-nurse').toLowerCase();
    await world.admin.ok('/users', { username, displayName, role: 'nurse', password: PASSWORD, siteIds: [siteId] });
    return username;
  }

  /** A chair with a session and a monitor, brought to the state a scenario asks for. */
  async function chair(
    site: 'a' | 'b' | Pick<World['a'], 'siteId' | 'nurse' | 'clinician'>,
    name: string,
    scenario: Scenario,
  ) {
    const { siteId, nurse, clinician } = typeof site === 'string' ? world[site] : site;
    const { session, monitor } = await LiveMonitor.atChair(world, app.url, {
      site: { siteId, nurse },
      extra: { chair: name },
    });
    monitors.push(monitor);
    const hr = 62 + ((name.length * 7 + name.charCodeAt(name.length - 1)) % 17);
    chairs.set(name, { id: session.id, scenario, monitor, hr });
    if (scenario === 'baseline') return monitor.stream(5, (i) => ({ hr: hr + (i % 3), spo2: 98, sbp: 124, dbp: 78 }));
    await clinician.ok(`/sessions/${session.id}/infusion-start`, { overrideReason: OVERRIDE });
    // Readings older than the newest one stored open no alert: the alarm's readings come last.
    if (scenario === 'medium')
      return monitor.stream(20, (i) => ({ hr, spo2: 91, ...(i === 0 ? { sbp: 128, dbp: 82 } : {}) }));
    if (scenario === 'technical')
      return monitor.stream(20, (i) => (i === 0 ? { sbp: 122, dbp: 76 } : { hr: 0, spo2: 0 }));
    await monitor.stream(3, (i) => ({ hr: hr + i, spo2: 97, ...(i === 0 ? { sbp: 126, dbp: 80 } : {}) }));
    if (scenario === 'high') await monitor.cuff(196, 104, hr + 20);
    if (scenario === 'latched') {
      await monitor.cuff(186, 104, hr + 10);
      await monitor.cuff(132, 84, hr);
    }
  }

  async function signInAs(target: Page, username: string): Promise<void> {
    await signIn(target, app.url, username, PASSWORD);
  }

  const idOf = (name: string) => chairs.get(name)!.id;
  const tile = (target: Page, name: string) => target.locator(`.tile[data-session-id="${idOf(name)}"]`);
  const rows = (target: Page) => target.locator('.alarm-row');

  /** A fresh browser context whose pages start with the browser's real autoplay rules. */
  async function newPage(size = SIZES[0]!): Promise<Page> {
    const opened = await browser.newPage({ viewport: size });
    await opened.addInitScript(recordOscillators);
    return opened;
  }

  afterAll(() => {
    clearInterval(keepStreaming);
    for (const monitor of monitors) monitor.close();
  });
  // playwright-core lets pages play sound without a click by default; a ward screen does not get that.
  useBrowser((launched) => (browser = launched), {
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ['--autoplay-policy=no-user-gesture-required'],
  });
  useApp({ world: 0 }, (started) => ({ app, world } = started));
  beforeAll(async () => {
    nurseA = await staff(world.a.siteId, 'Ada Byrne, RN');
    nurseB = await staff(world.b.siteId, 'Ben Okafor, RN');
    // Sixteen chairs: three high alarms (the last chairs, below the fold if the tiles were all there
    // was), one latched, one medium, one technical, the rest calm or in baseline.
    const plan: Scenario[] = ['calm', 'baseline', 'medium', 'calm', 'technical', 'calm', 'latched', 'calm'];
    plan.push('calm', 'baseline', 'calm', 'calm', 'calm', 'high', 'high', 'high');
    await Promise.all(plan.map((scenario, i) => chair('a', `Chair ${i + 1}`, scenario)));
    await chair('b', 'Bay 1', 'baseline');
    await chair('b', 'Recliner 2', 'medium');
    streamAll();
    context = await browser.newContext({ viewport: SIZES[0] });
    await context.addInitScript(recordOscillators);
    page = await context.newPage();
  }, 120_000);

  it('lists every alarm of sixteen chairs on a 1024×768 screen, high first, and reaches each by keyboard', async () => {
    await signInAs(page, nurseA);
    await eventually(async () => expect(await page.locator('.tile').count()).toBe(16), 15_000);
    await eventually(async () => expect(await rows(page).count()).toBe(6), 15_000);

    const listed = await rows(page).evaluateAll((items) =>
      items.map((item) => ({
        priority: item.getAttribute('data-alarm-priority'),
        state: item.getAttribute('data-alarm-state'),
        session: item.getAttribute('data-alarm-session-id'),
        text: (item as HTMLElement).innerText,
        box: item.getBoundingClientRect().toJSON() as DOMRect,
      })),
    );
    expect(listed.map((r) => `${r.priority}/${r.state}`)).toEqual([
      'high/active',
      'high/active',
      'high/active',
      'high/latched',
      'medium/active',
      'technical/active',
    ]);
    const highChairs = ['Chair 14', 'Chair 15', 'Chair 16'].map(idOf);
    expect(new Set(listed.slice(0, 3).map((r) => r.session))).toEqual(new Set(highChairs));
    // Visible without scrolling: the page itself does not scroll, and every row is inside the window.
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight)).toBe(true);
    for (const row of listed) {
      expect(row.box.top).toBeGreaterThanOrEqual(0);
      expect(row.box.bottom).toBeLessThanOrEqual(768);
      expect(row.text).toMatch(/Chair \d+/);
    }
    // Current and worst value, whole-number limits.
    // (The last cuff reading arrives with the tiles' history, just after the snapshot.)
    await eventually(async () =>
      expect(await rows(page).first().innerText()).toMatch(/HIGH\s+Chair 1[456]\s+SBP 196 · worst 196 · limit ≥ 180/),
    );
    expect(listed.map((r) => r.text).join('\n')).not.toMatch(/\d\.\d/);

    // The header names the chairs and counts medium and technical alarms too.
    const counts = await page.locator('.alarm-counts').innerText();
    expect(counts).toMatch(/4 high\s+Chair 7, Chair 14, Chair 15, Chair 16|4 high\s+Chair 1[456]/);
    expect(counts).toMatch(/1 medium\s+Chair 3/);
    expect(counts).toMatch(/1 technical\s+Chair 5/);

    // One click on the count brings the first of those chairs into view, focused.
    await page.locator('.alarm-count.prio-high').click();
    await eventually(async () =>
      expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.sessionId)).toBe(
        listed[0]!.session,
      ),
    );

    // "N" walks the chairs in alarm order, each tile brought into view and focused.
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    const visited: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('n');
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        const box = element.getBoundingClientRect();
        return { id: element.dataset.sessionId, inView: box.top >= 0 && box.bottom <= innerHeight };
      });
      expect(focused.inView).toBe(true);
      visited.push(focused.id!);
    }
    expect(visited).toEqual(listed.map((r) => r.session));
    // And Enter opens the chair.
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/sessions/${listed[5]!.session}`);
    await page.goBack();
    await rows(page).first().waitFor();

    // The chair named in the list is a link, reached with Tab like everything else.
    const link = rows(page).first().locator('a.alarm-chair');
    await link.focus();
    expect(await link.evaluate((a) => a === document.activeElement)).toBe(true);
    expect(await link.getAttribute('href')).toBe(`/sessions/${listed[0]!.session}`);
  });

  it('draws the value in alarm in the alarm colour, and quotes the value now in the alarm text', async () => {
    const high = tile(page, 'Chair 14');
    expect(await high.getAttribute('data-alarm-priority')).toBe('high');
    expect(await high.getAttribute('data-flash-hz')).toBe('2');
    expect(await high.locator('.readout-bp').getAttribute('class')).toMatch(/in-alarm prio-high state-active/);
    expect(await high.locator('.readout-hr').getAttribute('class')).not.toMatch(/in-alarm/);
    // BP is not drawn in red where there is no alarm.
    const calmBp = await tile(page, 'Chair 1')
      .locator('.readout-bp .readout-value')
      .evaluate((e) => getComputedStyle(e).color);
    expect(calmBp).toBe('rgb(240, 246, 252)');
    // A new cuff reading: the alarm text follows the value now and keeps the worst.
    await chairs.get('Chair 14')!.monitor.cuff(188, 96, 90);
    await eventually(async () =>
      expect(await high.locator('.tile-alert').innerText()).toMatch(/SBP 188 · worst 196 · limit ≥ 180/),
    );
  });

  it('tells a latched alarm from an active one by look, words and sound pattern', async () => {
    const active = tile(page, 'Chair 14');
    const latched = tile(page, 'Chair 7');
    expect(await latched.getAttribute('data-alarm-state')).toBe('latched');
    expect(await latched.getAttribute('data-flash-hz')).toBe('0');
    expect(await latched.locator('.tile-alert').innerText()).toContain('ENDED — acknowledge');
    const look = (t: typeof active) =>
      t.locator('.tile-alert').evaluate((e) => {
        const style = getComputedStyle(e);
        return { animation: style.animationName, hatch: style.backgroundImage, outline: style.outlineStyle };
      });
    expect(await look(active)).toMatchObject({ animation: 'flash-high', hatch: 'none' });
    expect(await look(latched)).toMatchObject({ animation: 'none', outline: 'dashed' });
    expect((await look(latched)).hatch).toMatch(/repeating-linear-gradient/);
  });

  it('acknowledges from the board', async () => {
    const row = page.locator(`.alarm-row[data-alarm-session-id="${idOf('Chair 16')}"]`);
    await row.getByRole('button', { name: /Acknowledge HIGH alarm at Chair 16/ }).click();
    await eventually(async () => expect(await row.getAttribute('data-alarm-state')).toBe('acknowledged'));
    expect(await row.innerText()).toContain('acknowledged by Ada Byrne, RN');
    const alerts = (await world.a.nurse.get(`/sessions/${idOf('Chair 16')}/alerts`)).body as { state: string }[];
    expect(alerts.map((a) => a.state)).toContain('acknowledged');
    // Acknowledged rows go below the waiting ones of the same priority, and stop flashing.
    expect(await rows(page).nth(2).getAttribute('data-alarm-session-id')).not.toBe(idOf('Chair 16'));
    expect(await tile(page, 'Chair 16').getAttribute('data-flash-hz')).toBe('0');
  });

  it('says so across the whole screen when the browser holds the sound back after a reload', async () => {
    // The sign-in was a click: sound is on, the high tone plays, a pause is offered.
    const bar = page.locator('.alarm-bar');
    expect(await bar.getAttribute('data-sound')).toBe('on');
    expect(await bar.getAttribute('data-tone')).toBe('high');
    await page.getByRole('button', { name: 'Pause sound 2 min' }).waitFor();

    await page.reload();
    await page.locator('.tile').first().waitFor();
    const banner = page.locator('.sound-blocked');
    await banner.waitFor();
    expect(await bar.getAttribute('data-sound')).toBe('blocked');
    expect(await banner.innerText()).toMatch(/ALARM SOUND IS OFF[\s\S]*Click here to turn the sound on/i);
    const box = (await banner.boundingBox())!;
    expect(box.width).toBe(SIZES[0]!.width);
    // Right under the top bar, above everything else.
    const top = (await page.locator('.top-bar').boundingBox())!;
    expect(box.y).toBeCloseTo(top.y + top.height, 0);
    expect(await page.getByRole('button', { name: /Pause sound/ }).count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__oscillatorsStarted.length)).toBe(0);
    expect(await page.evaluate(() => window.__alarmAudioLog ?? [])).toEqual([]);
    await expectNoSeriousAxeViolations(page, 'the ward board (sound blocked)');

    await banner.click();
    await eventually(async () => expect(await bar.getAttribute('data-sound')).toBe('on'));
    expect(await banner.count()).toBe(0);
    await eventually(async () => {
      const log = await page.evaluate(() => window.__alarmAudioLog ?? []);
      expect(log.at(-1)).toMatchObject({ tone: 'high', pulses: 10, pitchHz: 880 });
    });
    // Whole bursts of ten, as many as the log says were played (a burst repeats every 8 s).
    const { pulses, bursts } = await page.evaluate(() => ({
      pulses: ((window as any).__oscillatorsStarted as { hz: number }[]).filter((p) => p.hz === 880).length,
      bursts: (window.__alarmAudioLog ?? []).filter((b) => b.tone === 'high').length,
    }));
    expect(pulses).toBe(bursts * 10);
    await page.getByRole('button', { name: 'Pause sound 2 min' }).click();
    expect(await bar.getAttribute('data-sound')).toBe('paused');
    await page.getByRole('button', { name: 'Sound on now' }).click();
  });

  it('sounds a medium alarm with its own three-pulse tone and flashes it yellow at 0.7 Hz', async () => {
    const other = await newPage();
    await signInAs(other, nurseB);
    const medium = other.locator(`.tile[data-session-id="${idOf('Recliner 2')}"]`);
    await medium.waitFor();
    await eventually(async () => expect(await medium.getAttribute('data-alarm-priority')).toBe('medium'), 10_000);
    expect(await medium.getAttribute('data-alarm-state')).toBe('active');
    expect(await medium.getAttribute('data-flash-hz')).toBe('0.7');
    // The band's colour in each half of the flash: the animation is held at a quarter and at three
    // quarters of its period, since a colour read while it runs depends on when it is read.
    const band = await medium.locator('.tile-alert').evaluate((e) => {
      const style = getComputedStyle(e);
      const seconds = parseFloat(style.animationDuration);
      const colourAt = (fraction: number) => {
        for (const animation of e.getAnimations()) {
          animation.pause();
          animation.currentTime = seconds * 1000 * fraction;
        }
        return getComputedStyle(e).backgroundColor;
      };
      const colours = [colourAt(0.25), colourAt(0.75)];
      for (const animation of e.getAnimations()) animation.play();
      return { name: style.animationName, seconds, colours };
    });
    expect(band.name).toBe('flash-medium');
    expect(1 / band.seconds).toBeCloseTo(0.7, 2);
    expect(band.colours).toEqual(['rgb(242, 200, 15)', 'rgb(154, 123, 0)']);
    expect(await medium.locator('.tile-alert').innerText()).toMatch(/MEDIUM · SpO2 91 · worst 91 · limit < 92/);
    expect(await other.locator('.alarm-bar').getAttribute('data-tone')).toBe('medium');
    await eventually(async () => {
      const log = await other.evaluate(() => window.__alarmAudioLog ?? []);
      expect(log.at(-1)).toMatchObject({ tone: 'medium', pulses: 3, pitchHz: 660 });
    });
    const { pulses, bursts } = await other.evaluate(() => ({
      pulses: (window as any).__oscillatorsStarted as { hz: number; type: string }[],
      bursts: (window.__alarmAudioLog ?? []).filter((b) => b.tone === 'medium').length,
    }));
    expect(bursts).toBeGreaterThanOrEqual(1);
    expect(pulses.filter((p) => p.hz === 660 && p.type === 'square')).toHaveLength(bursts * 3);
    expect(pulses.some((p) => p.hz === 880)).toBe(false);
    await other.close();
  });

  /** Every tile's text inside its tile and apart, at the three sizes. */
  async function expectNoOverlaps(target: Page, chairCount: number): Promise<void> {
    for (const size of SIZES) {
      await target.setViewportSize(size);
      await eventually(async () => expect(await target.locator('.tile').count()).toBe(chairCount));
      await target.waitForTimeout(150);
      const problems = await target.evaluate(findOverlaps);
      expect({ chairCount, size, problems }).toEqual({ chairCount, size, problems: [] });
    }
  }

  it('keeps every text of every tile apart and inside its tile at 1024×768, 1440×900 and 1920×1080', async () => {
    await expectNoOverlaps(page, 16);
    // Numbers for the wall: at 1920×1080 with sixteen chairs, at least 30 px (about 15 mm on a 50" screen).
    const sizes = await page
      .locator('.tile .readout-value')
      .evaluateAll((values) => values.map((v) => parseFloat(getComputedStyle(v).fontSize)));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(30);
    await page.setViewportSize(SIZES[0]!);

    const two = await newPage();
    await signInAs(two, nurseB);
    await expectNoOverlaps(two, 2);
    await two.close();

    // One chair alone: a site with a single session in baseline.
    const { id: siteId } = await world.admin.ok('/sites', { name: unique('site') });
    const single = await staff(siteId, 'Cleo Marsh, RN');
    await chair(
      { siteId, nurse: await new Api(app.url).login(single, PASSWORD), clinician: world.a.clinician },
      'Chair 1 (C)',
      'baseline',
    );
    const one = await newPage();
    await signInAs(one, single);
    await expectNoOverlaps(one, 1);
    await one.close();
  });

  it('has no serious accessibility violation on the sign-in page, the board and a session', async () => {
    const fresh = await newPage();
    await fresh.goto(app.url);
    await fresh.getByLabel('Username').waitFor();
    await expectNoSeriousAxeViolations(fresh, 'the sign-in page');
    await fresh.close();
    await expectNoSeriousAxeViolations(page, 'the ward board');

    await tile(page, 'Chair 14').click();
    await page.waitForURL(`**/sessions/${idOf('Chair 14')}`);
    await page.locator('.alert-item').first().waitFor();
    await expectNoSeriousAxeViolations(page, 'the session page');
    await page.goBack();
    await rows(page).first().waitFor();
  });

  it('writes the board screenshots at the three sizes', async () => {
    await page.mouse.move(0, 0);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.waitForTimeout(200);
      await page.screenshot({
        path: path.join(ROOT, 'docs/screenshots', `board-${size.width}.png`),
        animations: 'disabled',
      });
    }
  });

  it('keeps twenty-four chairs apart at the three sizes', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => chair('a', `Chair ${17 + i}`, i === 3 ? 'baseline' : 'calm')),
    );
    await expectNoOverlaps(page, 24);
    // Every alarm is still in view on the tablet.
    await page.setViewportSize(SIZES[0]!);
    for (const box of await rows(page).evaluateAll((items) => items.map((i) => i.getBoundingClientRect().bottom)))
      expect(box).toBeLessThanOrEqual(SIZES[0]!.height);
  });
});

/**
 * In the page: every text element of every tile must lie inside its tile and overlap no other text
 * element of the tile. Returns the faults in words.
 */
function findOverlaps(): string[] {
  const selectors = [
    '.chair',
    '.patient',
    '.phase',
    '.readout-label',
    '.readout-value',
    '.readout-age',
    '.tile-alert .headline',
    '.tile-alert .status',
    '.tile-alert.calm',
  ];
  const problems: string[] = [];
  for (const tile of document.querySelectorAll<HTMLElement>('.tile')) {
    const chair = tile.querySelector('.chair')?.textContent;
    const box = tile.getBoundingClientRect();
    const parts = selectors.flatMap((s) => [...tile.querySelectorAll<HTMLElement>(s)].map((e) => ({ s, e })));
    const rects = parts.map(({ s, e }) => ({ s, e, r: e.getBoundingClientRect() }));
    for (const { s, e, r } of rects) {
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
        problems.push(`${chair}: ${s} "${e.innerText}" leaves the tile`);
      if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow !== 'ellipsis')
        problems.push(`${chair}: ${s} "${e.innerText}" is cut off`);
    }
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i]!.r;
        const b = rects[j]!.r;
        if (rects[i]!.e.contains(rects[j]!.e) || rects[j]!.e.contains(rects[i]!.e)) continue;
        const overlap =
          Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
        if (overlap) problems.push(`${chair}: ${rects[i]!.s} overlaps ${rects[j]!.s}`);
      }
    }
  }
  return problems;
}
