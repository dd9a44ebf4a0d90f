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

/** What a user's file may hold beyond the strict format: a report of what was ignored or fixed. */
export interface VitalsTable {
  samples: CsvSample[];
  warnings: string[];
}

const MEASURED = ['hr', 'sbp', 'dbp', 'map', 'spo2', 'rr'] as const;

/**
 * Reads a recording as a user brings it (`npm run replay`): `t_seconds` and any of hr, sbp, dbp,
 * map, spo2, rr in any order; other columns are ignored with a warning; rows out of time order are
 * sorted (stable) with a warning, since a newest-first export would otherwise lose every reading
 * older than the first. Anything else wrong is an error naming its line and column, never a guess.
 */
export function readVitalsTable(text: string, ranges: Record<string, { min: number; max: number }>): VitalsTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const warnings: string[] = [];
  if (!header.includes('t_seconds')) throw new Error('line 1: the header has no t_seconds column');
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new Error(`line 1: column "${name.slice(0, 40)}" appears twice`);
    seen.add(name);
  }
  const unknown = header.filter((h) => h !== 't_seconds' && !(MEASURED as readonly string[]).includes(h));
  if (unknown.length > 0) warnings.push(`ignored unknown column(s): ${unknown.map((u) => u.slice(0, 40)).join(', ')}`);
  const samples: CsvSample[] = [];
  let outOfOrder = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== header.length)
      throw new Error(`line ${i + 1}: expected ${header.length} cells, got ${cells.length}`);
    const row: Record<string, number | null> = {};
    header.forEach((name, column) => {
      if (unknown.includes(name)) return;
      const cell = cells[column]!.trim();
      if (cell === '') return void (row[name] = null);
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new Error(`line ${i + 1}: ${name} "${cell.slice(0, 40)}" is not a number`);
      const range = ranges[name];
      if (range && (value < range.min || value > range.max))
        throw new Error(`line ${i + 1}: ${name} ${value} is outside ${range.min}–${range.max}`);
      row[name] = value;
    });
    const t = row.t_seconds;
    if (t === null || t === undefined) throw new Error(`line ${i + 1}: t_seconds is missing`);
    if (samples.length > 0 && t < samples.at(-1)!.tSeconds) outOfOrder++;
    samples.push({
      tSeconds: t,
      hr: row.hr ?? null,
      sbp: row.sbp ?? null,
      dbp: row.dbp ?? null,
      map: row.map ?? null,
      spo2: row.spo2 ?? null,
      rr: row.rr ?? null,
    });
  }
  if (outOfOrder > 0) {
    samples.sort((a, b) => a.tSeconds - b.tSeconds);
    warnings.push(`rows were not in time order (${outOfOrder} earlier than the row before): sorted by t_seconds`);
  }
  return { samples, warnings };
}
