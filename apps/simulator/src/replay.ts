/**
 * npm run replay -- <file.csv> [--baseline 125/78,72,98] [--infusion-start <s>] [--infusion-end <s>]
 *                   [--protocol iv|intranasal|rules.json] [--start <ISO time>] [--json]
 *
 * Feeds a recorded series (t_seconds plus any of hr,sbp,dbp,map,spo2,rr; blank = no value) through the
 * detection engine with recordedAt = start + t_seconds and prints the baseline and every alert
 * transition, or with --json one document with each alert's life. The first samples are the baseline
 * phase; the infusion starts at --infusion-start, or by default at the first sample after a baseline
 * exists (at the first sample when --baseline gives it). --infusion-end moves the session to recovery.
 * Deterministic: two runs print the same. A bad option or row is one line on stderr and exit code 2.
 */
import { readFileSync } from 'node:fs';
import {
  csvToReadings,
  cuffImplausibility,
  DetectionEngine,
  MEASUREMENT_RANGES,
  predoseGate,
  readVitalsTable,
  type AlertEvent,
  type AlertSnapshot,
  type AlertValues,
} from '#vitals';
import { parseReplayArgs, UsageError, USAGE, type ReplayOptions } from './replay-options.js';

function main(options: ReplayOptions): void {
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch {
    throw new UsageError(`${options.file.slice(0, 80)}: cannot read the file`);
  }
  let table;
  try {
    table = readVitalsTable(text, MEASUREMENT_RANGES);
  } catch (error) {
    throw new UsageError(`${options.file.slice(0, 80)}: ${(error as Error).message}`);
  }
  const { startMs, rules } = options;
  const readings = csvToReadings(table.samples, startMs);
  const t = (ms: number) => Math.round((ms - startMs) / 1000);
  const at = (s: number | null) => (s === null ? null : startMs + s * 1000);
  const infusionStart =
    at(options.infusionStartSeconds) ?? (options.baseline ? (readings[0]?.recordedAtMs ?? null) : null);
  const infusionEnd = at(options.infusionEndSeconds);
  const warnings: string[] = [...table.warnings];
  const notes: string[] = [];
  const lines: string[] = [];
  const events: AlertEvent[] = [];
  const say = (line: string) => (options.json ? notes.push(line) : lines.push(line));

  const engine = DetectionEngine.create(rules);
  let infusionStartedMs: number | null = null;
  let implausible = 0;
  const startInfusion = (atMs: number) => {
    const { sbp, dbp, hr, spo2 } = options.baseline ?? engine.baseline;
    const source = options.baseline ? 'given' : 'measured';
    say(`baseline (${source}): SBP ${sbp} DBP ${dbp} HR ${hr} SpO2 ${spo2} (infusion starts at t=${t(atMs)}s)`);
    if (!options.baseline)
      for (const blocker of predoseGate(engine.baseline, rules))
        say(`pre-dose gate: ${blocker.code}: ${blocker.message}`);
    record(engine.setPhase('infusing', atMs, options.baseline ?? undefined));
    infusionStartedMs = atMs;
  };
  const record = (produced: AlertEvent[]) => {
    for (const event of produced) {
      events.push(event);
      if (!options.json) lines.push(describe(event, t));
    }
  };

  for (const reading of readings) {
    if (engine.phase === 'baseline') {
      const due =
        infusionStart === null
          ? !predoseGate(engine.baseline, rules).some((b) => b.code === 'baseline_missing')
          : reading.recordedAtMs >= infusionStart;
      if (due) startInfusion(infusionStart ?? reading.recordedAtMs);
    }
    if (engine.phase === 'infusing' && infusionEnd !== null && reading.recordedAtMs >= infusionEnd)
      record(engine.setPhase('recovery', infusionEnd));
    if (engine.phase !== 'baseline' && cuffImplausibility(reading.sbp, reading.dbp, reading.map) !== null)
      implausible++;
    record(engine.addReading(reading));
  }
  const last = readings.at(-1);
  if (engine.phase === 'baseline') {
    if (infusionStart !== null && last && infusionStart > last.recordedAtMs) startInfusion(infusionStart);
    else say('no baseline: the recording never had enough baseline data (give one with --baseline)');
  }
  if (last) record(engine.tick(last.recordedAtMs));
  if (infusionEnd !== null && last && infusionEnd > last.recordedAtMs)
    warnings.push(`--infusion-end t=${t(infusionEnd)}s is after the last row (t=${t(last.recordedAtMs)}s)`);
  if (implausible > 0) say(`implausible cuff readings (shown, need confirming before they alert): ${implausible}`);

  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (options.json) {
    const document = {
      file: options.file,
      protocol: options.protocolName,
      start: new Date(startMs).toISOString(),
      readings: readings.length,
      infusionStartSeconds: infusionStartedMs === null ? null : t(infusionStartedMs),
      infusionEndSeconds: infusionEnd === null ? null : t(infusionEnd),
      baseline: infusionStartedMs === null ? null : pick(engine.baseline),
      warnings,
      notes,
      alerts: alertLives(events, t),
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const counts = new Map<string, number>();
  for (const e of events.filter((x) => x.type === 'opened'))
    counts.set(e.alert.kind, (counts.get(e.alert.kind) ?? 0) + 1);
  lines.push(`readings: ${readings.length}; alerts opened: ${JSON.stringify(Object.fromEntries([...counts].sort()))}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

const pick = ({
  sbp,
  dbp,
  hr,
  spo2,
}: {
  sbp: number | null;
  dbp: number | null;
  hr: number | null;
  spo2: number | null;
}) => ({
  sbp,
  dbp,
  hr,
  spo2,
});

const values = (v: AlertValues | null) =>
  Object.entries(v ?? {})
    .filter(([key, value]) => typeof value === 'number' && key !== 'limit')
    .map(([key, value]) => `${key.toUpperCase()} ${value}`)
    .join(' ');

/** One transition as a line. Only openings and upgrades repeat the reason; a peak says the new worst values. */
function describe(event: AlertEvent, t: (ms: number) => number): string {
  const a = event.alert;
  const what =
    event.type === 'opened' || event.type === 'upgraded'
      ? a.message
      : event.type === 'peak'
        ? `peak ${values(a.peak)}`
        : event.type === 'cleared' || event.type === 'resolved'
          ? `after ${Math.round((a.durationMs ?? 0) / 1000)} s`
          : '';
  return `t=${t(event.atMs)}s  ${event.type.padEnd(12)} ${a.kind.padEnd(16)} ${a.severity.padEnd(6)} ${a.state.padEnd(12)} ${what}`.trimEnd();
}

/** Each alert's life, from its transitions: what --json prints. */
function alertLives(events: AlertEvent[], t: (ms: number) => number) {
  const byId = new Map<string, { first: AlertSnapshot; last: AlertSnapshot }>();
  for (const e of events) {
    const known = byId.get(e.alert.id);
    byId.set(e.alert.id, { first: known?.first ?? e.alert, last: e.alert });
  }
  const s = (ms: number | null) => (ms === null ? null : t(ms));
  return [...byId.values()].map(({ first, last }) => ({
    id: last.id,
    type: last.kind,
    priority: last.severity,
    state: last.state,
    message: first.message,
    openedSeconds: s(last.openedAtMs),
    upgradedSeconds: last.upgradeTrigger ? s(last.highSinceMs) : null,
    escalatedSeconds: s(last.escalatedAtMs),
    endedSeconds: s(last.endedAtMs),
    clearedSeconds: s(last.clearedAtMs),
    resolvedSeconds: s(last.resolvedAtMs),
    durationSeconds: last.durationMs === null ? null : last.durationMs / 1000,
    trigger: last.trigger,
    peak: last.peak,
  }));
}

try {
  main(parseReplayArgs(process.argv.slice(2)));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  // One line naming what is wrong; the usage only when nothing was given at all.
  process.stderr.write(`replay: ${error.message}\n${error.message === 'no recording given' ? `${USAGE}\n` : ''}`);
  process.exit(2);
}
