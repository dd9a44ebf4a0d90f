import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_IV_RULES } from '#vitals';
import { ROOT } from '../support/processes';

const fixture = (file: string) => path.join(ROOT, 'test/fixtures', file);
const SURGE = fixture('icu-bp-surge-133243.csv');
const dir = mkdtempSync(path.join(tmpdir(), 'replay-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/simulator/src/replay.js'), ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface AlertLife {
  id: string;
  type: string;
  priority: string;
  openedSeconds: number;
  clearedSeconds: number | null;
  resolvedSeconds: number | null;
  durationSeconds: number | null;
  peak: Record<string, number> | null;
}

const oldRules = write(
  'old-rules.json',
  JSON.stringify({
    key: 'x',
    rules: { ...DEFAULT_IV_RULES, bpRise: { ...DEFAULT_IV_RULES.bpRise, bpPlausibility: false } },
  }),
);

describe('npm run replay', () => {
  it('prints the baseline and the rises of the ICU surge recording, the same twice', () => {
    const first = run(SURGE);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^baseline \(measured\): SBP \d+ DBP \d+ HR [\d.]+/m);
    // 220/81 … 221/87 have a pulse pressure over 100: implausible, they need a plausible confirming reading.
    expect(first.stdout).not.toMatch(/t=22620s\s+opened\s+bp_rise/);
    expect(first.stdout).toMatch(/implausible cuff readings \(shown, need confirming before they alert\): \d+/);
    expect(first.stdout).toMatch(/t=39720s\s+opened\s+bp_rise\s+medium\s+active\s+SBP 174/);
    expect(run(SURGE).stdout).toBe(first.stdout);
  });

  it('takes a protocol file, validated; peak lines give the new worst values, not the opening message', () => {
    const { stdout, status } = run(SURGE, '--protocol', oldRules);
    expect(status).toBe(0);
    expect(stdout).toMatch(/t=22620s\s+opened\s+bp_rise\s+high\s+active\s+SBP 220 ≥ 180/);
    const peak = stdout.split('\n').find((line) => /\speak\s/.test(line) && line.includes('bp_rise'))!;
    expect(peak).toMatch(/peak SBP 232 DBP 93$/);
    expect(peak).not.toContain('≥');
  });

  it('--baseline, --infusion-start, --infusion-end and --json: each alert with its life', () => {
    const { stdout, status } = run(
      SURGE,
      '--baseline',
      '125/78,72,98',
      '--infusion-start',
      '22000',
      '--infusion-end',
      '40000',
      '--json',
      '--protocol',
      oldRules,
    );
    expect(status).toBe(0);
    const doc = JSON.parse(stdout) as {
      baseline: Record<string, number>;
      infusionStartSeconds: number;
      infusionEndSeconds: number;
      alerts: AlertLife[];
    };
    expect(doc.baseline).toEqual({ sbp: 125, dbp: 78, hr: 72, spo2: 98 });
    expect(doc).toMatchObject({ infusionStartSeconds: 22_000, infusionEndSeconds: 40_000 });
    const surge = doc.alerts.find((a) => a.type === 'bp_rise')!;
    expect(surge).toMatchObject({
      id: expect.stringMatching(/^bp_rise:\d+$/),
      priority: 'high',
      openedSeconds: 22_620,
      peak: { sbp: 232, dbp: 93 },
    });
    expect(surge.clearedSeconds ?? surge.resolvedSeconds).toBeGreaterThan(surge.openedSeconds);
    expect(surge.durationSeconds).toBeGreaterThan(0);
    // bp_overdue applies while infusing only: none opens after the infusion end.
    const overdue = doc.alerts.filter((a) => a.type === 'bp_overdue');
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((a) => a.openedSeconds < 40_000)).toBe(true);
  });

  it('sorts rows out of time order and ignores unknown columns, with a warning each, to the same result', () => {
    const [header, ...rows] = readFileSync(SURGE, 'utf8').trim().split('\n');
    const reversed = write('newest-first.csv', [header, ...[...rows].reverse()].join('\n'));
    const extra = write('extra.csv', [`${header},nurse_note`, ...rows.map((r) => `${r},ok`)].join('\n'));
    const expected = run(SURGE, '--json').stdout;
    for (const [file, warning] of [
      [reversed, /warning: rows were not in time order \(\d+ earlier than the row before\): sorted by t_seconds/],
      [extra, /warning: ignored unknown column\(s\): nurse_note/],
    ] as const) {
      const result = run(file, '--json');
      expect(result.status).toBe(0);
      expect(result.stderr).toMatch(warning);
      const { alerts } = JSON.parse(result.stdout) as { alerts: AlertLife[] };
      expect(alerts).toEqual((JSON.parse(expected) as { alerts: AlertLife[] }).alerts);
    }
  });

  it('raises no clinical alert from the artefact recording\u2019s zeros and spikes', () => {
    const { stdout } = run(fixture('icu-artefacts-s00001.csv'));
    expect(stdout).not.toMatch(/opened\s+(bp_rise|hr_rise|spo2_low)/);
    expect(stdout).toMatch(/readings: 1936;/);
  });

  const invalidRules = write(
    'invalid.json',
    JSON.stringify({ ...DEFAULT_IV_RULES, bpRise: { ...DEFAULT_IV_RULES.bpRise, mediumPct: 50 } }),
  );
  const notJson = write('not.json', '{ rules: ');
  const badCell = write('bad-cell.csv', 't_seconds,hr,sbp\n0,80,120\n60,x,120\n');
  const outOfRange = write('range.csv', 't_seconds,hr,sbp\n0,80,120\n60,400,120\n');
  const noTime = write('no-time.csv', 'time,hr\n0,80\n');
  const shortRow = write('short.csv', 't_seconds,hr,sbp\n0,80\n');

  it.each([
    [['--infusion-start', 'abc'], /--infusion-start: "abc" is not a number of seconds/],
    [['--infusion-end=-5'], /--infusion-end: "-5" is not a number of seconds/],
    [['--infusion-start', '100', '--infusion-end', '50'], /--infusion-end: 50 is not after --infusion-start 100/],
    [['--protocol', 'foo'], /--protocol: "foo" is neither iv, intranasal nor a readable JSON file/],
    [['--protocol', invalidRules], /--protocol: .*invalid\.json: bpRise\.mediumPct must be below bpRise\.highPct/],
    [['--protocol', notJson], /--protocol: .*not\.json is not valid JSON/],
    [['--baseline', '125-78'], /--baseline: "125-78" is not SBP\/DBP,HR\[,SpO2\]/],
    [['--baseline', '78/125,72'], /--baseline: "78\/125,72" is not a possible blood pressure/],
    [['--start', 'yesterday'], /--start: "yesterday" is not an ISO time/],
    [['--loud'], /Unknown option '--loud'/],
  ])('refuses %j with one line naming it, exit 2', (args, message) => {
    const result = run(SURGE, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it.each([
    [badCell, /bad-cell\.csv: line 3: hr "x" is not a number/],
    [outOfRange, /range\.csv: line 3: hr 400 is outside 0–300/],
    [noTime, /no-time\.csv: line 1: the header has no t_seconds column/],
    [shortRow, /short\.csv: line 2: expected 3 cells, got 2/],
    [path.join(dir, 'missing.csv'), /missing\.csv: cannot read the file/],
  ])('refuses the file %s with one line naming the row, exit 2', (file, message) => {
    const result = run(file);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('with no file prints the usage, exit 2', () => {
    const result = run();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no recording given\nusage: npm run replay/);
  });
});
