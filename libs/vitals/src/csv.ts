import type { MeasuredValues } from '#contracts';
import type { ValidReading } from './reading.js';

/** One row of a vital-sign series file: `t_seconds,hr,sbp,dbp,map,spo2,rr` (blank = no value). */
export interface CsvSample extends Omit<MeasuredValues, 'temp'> {
  tSeconds: number;
}

export const VITALS_CSV_COLUMNS = ['t_seconds', 'hr', 'sbp', 'dbp', 'map', 'spo2', 'rr'] as const;

/**
 * Parses a series in the fixtures' format. Pure (takes the text). Throws with the line number on
 * anything it does not understand rather than guessing: these files feed clinical tests.
 */
export function parseVitalsCsv(text: string): CsvSample[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== VITALS_CSV_COLUMNS.join(','))
    throw new Error(`line 1: expected header ${VITALS_CSV_COLUMNS.join(',')}`);
  const samples: CsvSample[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== VITALS_CSV_COLUMNS.length) {
      throw new Error(`line ${i + 1}: expected ${VITALS_CSV_COLUMNS.length} cells, got ${cells.length}`);
    }
    const values = cells.map((cell, column) => {
      if (cell.trim() === '') return null;
      const value = Number(cell);
      if (!Number.isFinite(value))
        throw new Error(`line ${i + 1}: ${VITALS_CSV_COLUMNS[column]} "${cell}" is not a number`);
      return value;
    });
    const [tSeconds, hr, sbp, dbp, map, spo2, rr] = values;
    if (tSeconds === null || tSeconds === undefined) throw new Error(`line ${i + 1}: t_seconds is missing`);
    samples.push({ tSeconds, hr: hr!, sbp: sbp!, dbp: dbp!, map: map!, spo2: spo2!, rr: rr! });
  }
  return samples;
}

/** Replays samples as readings: `recordedAt = startMs + t_seconds`, seq from `firstSeq` in file order. */
export function csvToReadings(samples: readonly CsvSample[], startMs: number, firstSeq = 0): ValidReading[] {
  return samples.map((s, i) => ({
    seq: firstSeq + i,
    recordedAtMs: startMs + Math.round(s.tSeconds * 1000),
    hr: s.hr,
    sbp: s.sbp,
    dbp: s.dbp,
    map: s.map,
    spo2: s.spo2,
    rr: s.rr,
    temp: null,
  }));
}
