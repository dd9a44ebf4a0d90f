/**
 * npm run bench:engine — readings per second through the detection engine in one process (synthetic
 * 4-hour sessions at 1 Hz), next to the least work a reading can take: a pass that only tracks a
 * running maximum of the same readings.
 */
import { DEFAULT_IV_RULES, DetectionEngine, syntheticSession, type EngineInput } from '#vitals';
import { fmt, machine, writeSection } from './support.js';

const SESSIONS = Number(process.env.BENCH_ENGINE_SESSIONS ?? 20);

const sessions: EngineInput[][] = [];
for (let seed = 1; seed <= SESSIONS; seed++) {
  sessions.push(syntheticSession({ seed, intervalSeconds: 1, recoveryMinutes: 190 }).inputs);
}
const readingCount = sessions.reduce((n, inputs) => n + inputs.filter((i) => i.type === 'reading').length, 0);

function time(run: () => void): number {
  run(); // warm-up
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

let sink = 0;
const baselineSeconds = time(() => {
  for (const inputs of sessions) {
    let max = 0;
    for (const input of inputs)
      if (input.type === 'reading') max = Math.max(max, input.reading.hr ?? 0, input.reading.sbp ?? 0);
    sink += max;
  }
});
let events = 0;
const engineSeconds = time(() => {
  events = 0;
  for (const inputs of sessions) {
    const engine = DetectionEngine.create(DEFAULT_IV_RULES);
    for (const input of inputs) events += engine.apply(input).length;
  }
});
const perSecond = readingCount / engineSeconds;
console.log(
  `engine: ${fmt(perSecond)} readings/s (${events} alert transitions); baseline pass ${fmt(readingCount / baselineSeconds)}/s (${sink > 0})`,
);

await writeSection(
  'engine',
  `## Detection engine: readings per second in one process

- Command: \`npm run bench:engine\` — ${SESSIONS} synthetic sessions (10 min baseline, 40 min infusion, 190 min recovery; HR and SpO2 every second, cuff BP every few minutes): ${fmt(readingCount)} readings.
- Machine: ${machine()}; one Node.js process, one core.
- Run: ${new Date().toISOString()}

| pass | readings/s |
| --- | ---: |
| baseline: a running maximum over the same readings (the least work a reading can take) | ${fmt(readingCount / baselineSeconds)} |
| detection engine: baseline, every alert rule, episodes and timers (${events} transitions) | ${fmt(perSecond)} |

Detection costs about ${(1e6 / perSecond).toFixed(2)} µs of one core per reading: for 1,000 sessions at 1 Hz, about ${((1000 / perSecond) * 100).toFixed(2)} % of a core.`,
);
