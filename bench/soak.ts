/**
 * npm run soak — 500 sessions streaming at 1 Hz for 15 minutes: does the service's memory stay flat?
 * Not part of `npm run bench` or CI (it takes a quarter of an hour).
 *
 * The chairs are provisioned through the REST API, send a 61 s pre-dose baseline and have their
 * infusion started, so every session is `infusing`; then each device sends one reading a second at
 * its own phase (bench/paced-pool.ts), recordedAt = now, consecutive seq. Every SOAK_SAMPLE_S the
 * bench records the service's RSS (/proc/<pid>/status), its V8 heap after the latest full collection
 * (the service runs with `--trace-gc`), the PSS of the PostgreSQL backends serving the bench
 * database, the service's CPU, and the acknowledgement latency (p50/p99/max), refusals, readings
 * left unacknowledged and lost connections of that interval.
 *
 * Verdict: the mean RSS of the last 5 minutes against the mean of minutes 2–5 (the first 2 minutes
 * are warm-up), and the least-squares slope of RSS after warm-up in MiB per 10 minutes; "flat" means
 * growth under 10 %. Runs shorter than 10 minutes scale those windows (warm-up the first fifth, then
 * the first and the last third of the rest). Writes the `soak` section of docs/RELIABILITY.md.
 *
 * Environment: SOAK_MINUTES (default 15), SOAK_SESSIONS (500), SOAK_SAMPLE_S (30),
 * BENCH_CLIENT_WORKERS (1), DATABASE_URL (else an embedded PostgreSQL).
 */
import { PacedPool, problems, type WindowResult } from './paced-pool.js';
import { corePercent, cpuSeconds, GcTrace, PostgresProbe, rssMiB } from './probe.js';
import { addChairs, benchDatabase, provisionSite, startInfusions, startService } from './service.js';
import { fmt, machine, mib, ms, RELIABILITY_FILE, SERVICE_NODE_ARGS, sleep, writeSection } from './support.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 15);
const SESSIONS = Number(process.env.SOAK_SESSIONS ?? 500);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 30);
const WORKERS = Number(process.env.BENCH_CLIENT_WORKERS ?? 1);
const FLAT_GROWTH = 0.1;

interface Sample {
  minute: number;
  rssMiB: number;
  heapMiB: number;
  fullGcs: number;
  postgresPssMiB: number;
  postgresBackends: number;
  serviceCpu: number;
  window: WindowResult;
}

const database = await benchDatabase();
const app = await startService(database.url, {}, ['--trace-gc']);
const gc = new GcTrace(app.child);
const postgres = await PostgresProbe.open(database.url);
const pool = PacedPool.start(WORKERS);
const samples: Sample[] = [];
let failure: string | null = null;
let idleRss = NaN;
try {
  idleRss = rssMiB(app.child.pid);
  const site = await provisionSite(app.url);
  const chairs = await addChairs(site, SESSIONS);
  const connected = await pool.connect(
    'service',
    app.url,
    chairs.tokens.map((token, index) => ({ index, token, seq: 0 })),
  );
  if (connected.failures.length > 0) throw new Error(`devices could not connect: ${connected.failures[0]}`);
  const backfill = await pool.backfill('service', 61);
  if (backfill.refused > 0) throw new Error(`${backfill.refused} baseline readings refused`);
  await startInfusions(site, chairs.sessionIds);
  await pool.start('service');
  console.log(`${fmt(SESSIONS)} sessions infusing; soaking for ${MINUTES} min, a sample every ${SAMPLE_S} s`);

  const started = performance.now();
  await pool.measure();
  let cpuBefore = cpuSeconds(app.child.pid);
  let sampledAt = started;
  let lastGcCheck = Date.now();
  for (let k = 1; k * SAMPLE_S <= MINUTES * 60; k++) {
    await sleep(Math.max(0, started + k * SAMPLE_S * 1000 - performance.now()));
    const now = performance.now();
    const cpuAfter = cpuSeconds(app.child.pid);
    const rss = rssMiB(app.child.pid);
    const { pssMiB, backends } = await postgres.sample();
    const window = await pool.collect(5_000, true);
    const sample: Sample = {
      minute: (k * SAMPLE_S) / 60,
      rssMiB: rss,
      heapMiB: gc.lastFull()?.afterMiB ?? NaN,
      fullGcs: gc.countSince(lastGcCheck).full,
      postgresPssMiB: pssMiB,
      postgresBackends: backends,
      serviceCpu: corePercent(cpuBefore, cpuAfter, (now - sampledAt) / 1000),
      window,
    };
    lastGcCheck = Date.now();
    cpuBefore = cpuAfter;
    sampledAt = now;
    samples.push(sample);
    console.log(
      `${sample.minute.toFixed(1)} min: RSS ${mib(rss)}, heap ${mib(sample.heapMiB)}, PostgreSQL ${mib(pssMiB)} (${backends}), ` +
        `p50/p99/max ${ms(window.latencyMs.p50)}/${ms(window.latencyMs.p99)}/${ms(window.latencyMs.max)} ms, ` +
        `acks ${fmt(window.acked)}, problems ${problems(window)}, CPU ${sample.serviceCpu.toFixed(0)} %`,
    );
  }
} catch (error) {
  failure = error instanceof Error ? error.message : String(error);
  console.error(error);
} finally {
  await pool.terminate();
  await postgres.close();
  await app.stop();
  await database.close();
}

// Windows of the verdict, in minutes: warm-up, early (the reference) and late.
const warm = MINUTES >= 10 ? 2 : MINUTES / 5;
const third = (MINUTES - warm) / 3;
const early = [warm, MINUTES >= 10 ? 5 : warm + third] as const;
const late = [MINUTES >= 10 ? MINUTES - 5 : MINUTES - third, MINUTES] as const;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const during = ([from, to]: readonly [number, number], pick: (s: Sample) => number) =>
  samples.filter((s) => s.minute > from && s.minute <= to + 1e-9).map(pick);
/** Least-squares slope of `pick` over the samples after warm-up, per 10 minutes. */
function slopePer10(pick: (s: Sample) => number): number {
  const points = samples.filter((s) => s.minute > warm && Number.isFinite(pick(s)));
  if (points.length < 2) return NaN;
  const mx = mean(points.map((s) => s.minute));
  const my = mean(points.map(pick));
  const num = points.reduce((sum, s) => sum + (s.minute - mx) * (pick(s) - my), 0);
  const den = points.reduce((sum, s) => sum + (s.minute - mx) ** 2, 0);
  return (num / den) * 10;
}
const growthOf = (pick: (s: Sample) => number) => {
  const before = mean(during(early, pick).filter(Number.isFinite));
  const after = mean(during(late, pick).filter(Number.isFinite));
  return { before, after, growth: (after - before) / before };
};
const rss = growthOf((s) => s.rssMiB);
const heap = growthOf((s) => s.heapMiB);
const pgMemory = growthOf((s) => s.postgresPssMiB);
const rssSlope = slopePer10((s) => s.rssMiB);
const heapSlope = slopePer10((s) => s.heapMiB);
// RSS follows the collector (it climbs between full collections and drops after one); the heap
// after a full collection is the live data, so it must stay flat too when it is known.
const flat =
  Number.isFinite(rss.growth) &&
  rss.growth < FLAT_GROWTH &&
  (!Number.isFinite(heap.growth) || heap.growth < FLAT_GROWTH);
const worstP99 = Math.max(...samples.map((s) => s.window.latencyMs.p99));
const totalProblems = samples.reduce((n, s) => n + problems(s.window), 0);
const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %` : 'n/a');
console.log(
  `RSS ${mib(rss.before)} → ${mib(rss.after)} (${pct(rss.growth)}), slope ${rssSlope.toFixed(1)} MiB/10 min; heap ${mib(heap.before)} → ${mib(heap.after)} (${pct(heap.growth)}): ${flat ? 'flat' : 'NOT flat'}; worst p99 ${ms(worstP99)} ms`,
);

const rows = samples.map((s) => {
  const w = s.window;
  const refused = Object.values(w.refused).reduce((a, b) => a + b, 0);
  return (
    `| ${s.minute.toFixed(1)} | ${mib(s.rssMiB)} | ${mib(s.heapMiB)} | ${s.fullGcs} | ${mib(s.postgresPssMiB)} (${s.postgresBackends}) | ` +
    `${fmt(w.acked)} | ${ms(w.latencyMs.p50)} / ${ms(w.latencyMs.p99)} / ${ms(w.latencyMs.max)} ms | ${refused} · ${w.unacked} · ${w.disconnects} | ${s.serviceCpu.toFixed(0)} % |`
  );
});
const window = ([from, to]: readonly [number, number]) => `minutes ${from.toFixed(1)}–${to.toFixed(1)}`;

await writeSection(
  'soak',
  `### ${fmt(SESSIONS)} sessions at 1 Hz for ${MINUTES} minutes

- Command: \`npm run soak\` (\`node dist/bench/soak.js\`; SOAK_MINUTES=${MINUTES}, SOAK_SESSIONS=${SESSIONS}, SOAK_SAMPLE_S=${SAMPLE_S}) — ${fmt(SESSIONS)} chairs provisioned through the REST API, each sending a 61 s baseline and then infusing; every device sends one reading a second (HR and SpO2, a cuff reading every 3 min) at its own phase, recordedAt = now, consecutive seq, from ${WORKERS} worker thread(s). A sample every ${SAMPLE_S} s.
- Service: \`node ${SERVICE_NODE_ARGS.join(' ')} --trace-gc dist/apps/api/src/main.js\` with default settings. RSS from /proc/<pid>/status; heap = V8 heap used after the latest full (mark-compact) collection, as \`--trace-gc\` prints it; PostgreSQL = summed PSS of the backends serving the bench database.
- Baseline: the service's own memory in minutes ${early[0].toFixed(1)}–${early[1].toFixed(1)} (after warm-up), against which the last minutes are compared.
- Machine: ${machine()}; the client, the service and PostgreSQL share it.
- Database: ${database.kind}
- Run: ${new Date().toISOString()}${failure ? `; **the run stopped early: ${failure}**` : ''}

| minute | service RSS | heap | full GCs | PostgreSQL PSS (backends) | acks | ack p50 / p99 / max | refused · unacked · lost | service CPU |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

| memory | ${window(early)} | ${window(late)} | growth |
| --- | ---: | ---: | ---: |
| service RSS | ${mib(rss.before)} | ${mib(rss.after)} | ${pct(rss.growth)} |
| service heap after full GC | ${mib(heap.before)} | ${mib(heap.after)} | ${pct(heap.growth)} |
| PostgreSQL backends PSS | ${mib(pgMemory.before)} | ${mib(pgMemory.after)} | ${pct(pgMemory.growth)} |

**Service memory ${flat ? 'stays flat' : 'does not stay flat'}** (flat: RSS, and the heap after full collections when known, grow under ${FLAT_GROWTH * 100} % from ${window(early)} to ${window(late)}): RSS ${pct(rss.growth)}, least-squares slope after warm-up ${Number.isFinite(rssSlope) ? rssSlope.toFixed(1) : 'n/a'} MiB per 10 min (${mib(idleRss)} before any session); heap after full collections ${pct(heap.growth)}, slope ${Number.isFinite(heapSlope) ? heapSlope.toFixed(1) : 'n/a'} MiB per 10 min. Worst interval p99 ${ms(worstP99)} ms; refusals, unacknowledged readings and lost connections in all: ${totalProblems}.`,
  RELIABILITY_FILE,
);
