/**
 * npm run bench:ingest — durable readings acknowledged per second by the service, with 500 device
 * connections each keeping 8 readings in flight, next to a bare socket.io server driven by the same
 * client in the same run. Writes the result to docs/BENCHMARKS.md.
 */
import path from 'node:path';
import { runLoad, type LoadResult } from './load.js';
import { benchDatabase, provisionChairs, startService } from './service.js';
import { machine, ROOT, spawnUntil, stop, writeSection } from './support.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_S = 3;
const load = { inFlight: IN_FLIGHT, warmupS: WARMUP_S, durationS: DURATION_S };

async function bare(): Promise<LoadResult> {
  const { child, match } = await spawnUntil(
    path.join(ROOT, 'dist/bench/bare-server.js'),
    { PATH: process.env.PATH },
    /LISTENING (\d+)/,
  );
  try {
    return await runLoad(
      `http://127.0.0.1:${match[1]}`,
      Array.from({ length: DEVICES }, () => 'bare'),
      load,
    );
  } finally {
    await stop(child);
  }
}

async function service(): Promise<{ result: LoadResult; database: string }> {
  const database = await benchDatabase();
  const app = await startService(database.url);
  try {
    const { tokens } = await provisionChairs(app.url, DEVICES);
    return { result: await runLoad(app.url, tokens, load), database: database.kind };
  } finally {
    await app.stop();
    await database.close();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const baseline = await bare();
console.log(`bare socket.io: ${fmt(baseline.perSecond)} acks/s`, baseline.latencyMs);
const { result, database } = await service();
console.log(`service: ${fmt(result.perSecond)} durable acks/s`, result.latencyMs, result.refused);
const ratio = result.perSecond / baseline.perSecond;
console.log(`ratio service / bare = ${ratio.toFixed(2)} (target ≥ 0.6)`);

await writeSection(
  'ingest',
  `## Ingest: durable readings per second

- Command: \`npm run bench:ingest\` (${DEVICES} device connections, ${IN_FLIGHT} readings in flight each, ${WARMUP_S} s warm-up, ${DURATION_S} s measured)
- Machine: ${machine()}
- Database: ${database}
- Run: ${new Date().toISOString()}

| server | acknowledged readings/s | ack latency p50 | ack latency p99 | refused |
| --- | ---: | ---: | ---: | --- |
| bare socket.io 4.8.3 (no Nest, no validation, no database): the baseline | ${fmt(baseline.perSecond)} | ${baseline.latencyMs.p50.toFixed(1)} ms | ${baseline.latencyMs.p99.toFixed(1)} ms | ${JSON.stringify(baseline.refused)} |
| Infusion Monitor (validated, committed to PostgreSQL before the ack) | ${fmt(result.perSecond)} | ${result.latencyMs.p50.toFixed(1)} ms | ${result.latencyMs.p99.toFixed(1)} ms | ${JSON.stringify(result.refused)} |

**Ratio service / bare: ${ratio.toFixed(2)}** (target ≥ 0.6). The client, the server and PostgreSQL share the same ${machine().split(',')[0]} cores.`,
);
