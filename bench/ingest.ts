/**
 * npm run bench:ingest — durable readings acknowledged per second by the service, with 500 device
 * connections each keeping 8 readings in flight, next to a bare socket.io server driven by the same
 * client in the same run. Writes the result to docs/BENCHMARKS.md.
 */
import path from 'node:path';
import { runLoad, type LoadResult } from './load.js';
import { benchDatabase, provisionChairs, startService } from './service.js';
import { fmt, machine, ROOT, SERVICE_COMMAND, spawnUntil, stop, writeSection } from './support.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = 3;
const load = { inFlight: IN_FLIGHT, warmupS: WARMUP_S, durationS: DURATION_S };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function bare(): Promise<LoadResult> {
  const server = path.join(ROOT, 'dist/bench/bare-server.js');
  const { child, match } = await spawnUntil(server, { PATH: process.env.PATH }, /LISTENING (\d+)/);
  try {
    const url = `http://127.0.0.1:${match[1]}`;
    return await runLoad(
      url,
      Array.from({ length: DEVICES }, () => 'bare'),
      load,
    );
  } finally {
    await stop(child);
  }
}

// Rounds alternate baseline and service, so both see the same background load on a shared machine.
const database = await benchDatabase();
const app = await startService(database.url);
const rounds: { baseline: LoadResult; service: LoadResult }[] = [];
try {
  const { tokens } = await provisionChairs(app.url, DEVICES);
  for (let round = 1; round <= ROUNDS; round++) {
    const baseline = await bare();
    // Each round continues every device's seq where the last one left off, as a monitor does.
    const service = await runLoad(app.url, tokens, { ...load, seqStart: round * 10_000_000 });
    rounds.push({ baseline, service });
    const ratio = service.perSecond / baseline.perSecond;
    console.log(
      `round ${round}: bare ${fmt(baseline.perSecond)}/s, service ${fmt(service.perSecond)}/s, ratio ${ratio.toFixed(2)}`,
    );
  }
} finally {
  await app.stop();
  await database.close();
}
const ratio = median(rounds.map((r) => r.service.perSecond / r.baseline.perSecond));
console.log(`median ratio service / bare = ${ratio.toFixed(2)} (target ≥ 0.6)`);

const latency = (r: LoadResult) => `${r.latencyMs.p50.toFixed(0)} / ${r.latencyMs.p99.toFixed(0)} ms`;
const rows = rounds.map(
  ({ baseline, service }, i) =>
    `| ${i + 1} | ${fmt(baseline.perSecond)} | ${latency(baseline)} | ${fmt(service.perSecond)} | ${latency(service)} | ` +
    `${JSON.stringify(service.refused)} | ${(service.perSecond / baseline.perSecond).toFixed(2)} |`,
);

await writeSection(
  'ingest',
  `## Ingest: durable readings per second

- Command: \`npm run bench:ingest\` — ${DEVICES} device connections, ${IN_FLIGHT} readings in flight each (a new one as soon as one is acknowledged), ${WARMUP_S} s warm-up, ${DURATION_S} s measured, ${ROUNDS} rounds alternating baseline and service.
- Baseline: a bare socket.io 4.8.3 server (\`bench/bare-server.ts\`: same options, no Nest, no validation, no database) that acknowledges each reading at once, driven by the same client in the same run.
- Service: \`${SERVICE_COMMAND}\` with default settings; an acknowledgement means validated and committed to PostgreSQL.
- Machine: ${machine()}; the client, the server and PostgreSQL share it.
- Database: ${database.kind}
- Run: ${new Date().toISOString()}

| round | bare acks/s | bare p50 / p99 | service durable acks/s | service p50 / p99 | service refusals | ratio |
| --- | ---: | ---: | ---: | ---: | --- | ---: |
${rows.join('\n')}

**Median ratio service / bare: ${ratio.toFixed(2)}** (target ≥ 0.6).`,
);
