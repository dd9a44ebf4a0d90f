import { csvToReadings, parseVitalsCsv } from './csv.js';

const HEADER = 't_seconds,hr,sbp,dbp,map,spo2,rr';

describe('parseVitalsCsv', () => {
  it('parses rows, blank cells as null, and ignores blank lines and CRLF', () => {
    const text = `${HEADER}\r\n0,0,,,,0,23\r\n60,62.8,120,72,89,96,12.4\r\n\r\n`;
    expect(parseVitalsCsv(text)).toEqual([
      { tSeconds: 0, hr: 0, sbp: null, dbp: null, map: null, spo2: 0, rr: 23 },
      { tSeconds: 60, hr: 62.8, sbp: 120, dbp: 72, map: 89, spo2: 96, rr: 12.4 },
    ]);
  });

  it('refuses a wrong header, a wrong number of cells, a non-number and a missing time, with the line', () => {
    expect(() => parseVitalsCsv('t,hr\n')).toThrow('line 1');
    expect(() => parseVitalsCsv(`${HEADER}\n0,1,2\n`)).toThrow('line 2: expected 7 cells, got 3');
    expect(() => parseVitalsCsv(`${HEADER}\n0,70,,,,98,\n60,x,,,,98,\n`)).toThrow('line 3: hr "x" is not a number');
    expect(() => parseVitalsCsv(`${HEADER}\n,70,,,,98,\n`)).toThrow('line 2: t_seconds is missing');
  });
});

describe('csvToReadings', () => {
  it('replays samples at start + t_seconds, in file order', () => {
    const readings = csvToReadings(parseVitalsCsv(`${HEADER}\n0,70,,,,98,\n1.5,71,120,80,93,,\n`), 1_000_000, 10);
    expect(readings).toEqual([
      { seq: 10, recordedAtMs: 1_000_000, hr: 70, sbp: null, dbp: null, map: null, spo2: 98, rr: null, temp: null },
      { seq: 11, recordedAtMs: 1_001_500, hr: 71, sbp: 120, dbp: 80, map: 93, spo2: null, rr: null, temp: null },
    ]);
  });
});
