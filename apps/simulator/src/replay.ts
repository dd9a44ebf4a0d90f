/**
 * npm run replay -- <file.csv> [--infusion-start <seconds>] [--protocol iv|intranasal] [--start <ISO time>]
 *
 * Feeds a recorded series (columns t_seconds,hr,sbp,dbp,map,spo2,rr; blank = no value) through the
 * detection engine with recordedAt = start + t_seconds and prints the baseline and every alert
 * transition. The first samples are the baseline phase; the infusion starts at --infusion-start, or
 * by default at the first sample after a baseline exists. Deterministic: two runs print the same.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  csvToReadings,
  DEFAULT_INTRANASAL_RULES,
  DEFAULT_IV_RULES,
  DetectionEngine,
  parseVitalsCsv,
  predoseGate,
  type AlertEvent,
} from '#vitals';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'infusion-start': { type: 'string' },
    protocol: { type: 'string', default: 'iv' },
    start: { type: 'string', default: '2026-01-05T08:00:00Z' },
  },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: npm run replay -- <file.csv> [--infusion-start <seconds>] [--protocol iv|intranasal]\n');
  process.exit(2);
}
const startMs = Date.parse(values.start!);
const rules = values.protocol === 'intranasal' ? DEFAULT_INTRANASAL_RULES : DEFAULT_IV_RULES;
const fixedStart = values['infusion-start'] === undefined ? null : startMs + Number(values['infusion-start']) * 1000;

const seconds = (ms: number) => Math.round((ms - startMs) / 1000);
const print = (event: AlertEvent) => {
  const a = event.alert;
  console.log(
    `t=${seconds(event.atMs)}s  ${event.type.padEnd(12)} ${a.kind.padEnd(11)} ${a.severity.padEnd(6)} ${a.state.padEnd(12)} ${a.message}`,
  );
};

const engine = DetectionEngine.create(rules);
const readings = csvToReadings(parseVitalsCsv(readFileSync(file, 'utf8')), startMs);
const counts = new Map<string, number>();
for (const reading of readings) {
  if (engine.phase === 'baseline') {
    const due =
      fixedStart === null
        ? !predoseGate(engine.baseline, rules).some((b) => b.code === 'baseline_missing')
        : reading.recordedAtMs >= fixedStart;
    if (due) {
      const at = fixedStart ?? reading.recordedAtMs;
      const { sbp, dbp, hr, spo2 } = engine.baseline;
      console.log(`baseline: SBP ${sbp} DBP ${dbp} HR ${hr} SpO2 ${spo2} (infusion starts at t=${seconds(at)}s)`);
      for (const blocker of predoseGate(engine.baseline, rules))
        console.log(`pre-dose gate: ${blocker.code}: ${blocker.message}`);
      engine.setPhase('infusing', at).forEach(print);
    }
  }
  for (const event of engine.addReading(reading)) {
    print(event);
    if (event.type === 'opened') counts.set(event.alert.kind, (counts.get(event.alert.kind) ?? 0) + 1);
  }
}
if (engine.phase === 'baseline') console.log('no baseline: the recording never had enough baseline data');
const last = readings.at(-1);
if (last) engine.tick(last.recordedAtMs).forEach(print);
console.log(`readings: ${readings.length}; alerts opened: ${JSON.stringify(Object.fromEntries([...counts].sort()))}`);
