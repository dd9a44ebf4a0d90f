import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/processes';

const replay = (file: string) =>
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'dist/apps/simulator/src/replay.js'), path.join(ROOT, 'test/fixtures', file)],
    {
      encoding: 'utf8',
    },
  );

describe('npm run replay', () => {
  it('prints the baseline and the BP rise of the ICU surge recording, the same twice', () => {
    const first = replay('icu-bp-surge-133243.csv');
    expect(first).toMatch(/^baseline: SBP \d+ DBP \d+ HR [\d.]+/m);
    // 220/81 … 221/87 have a pulse pressure over 100: implausible, they need a plausible confirming reading.
    expect(first).not.toMatch(/t=22620s\s+opened\s+bp_rise/);
    expect(first).toMatch(/t=39720s\s+opened\s+bp_rise\s+medium/);
    expect(replay('icu-bp-surge-133243.csv')).toBe(first);
  });

  it('raises no clinical alert from the artefact recording\u2019s zeros and spikes', () => {
    const output = replay('icu-artefacts-s00001.csv');
    expect(output).not.toMatch(/opened\s+(bp_rise|hr_rise|spo2_low)/);
    expect(output).toMatch(/readings: 1936;/);
  });
});
