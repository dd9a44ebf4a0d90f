/**
 * npm run bench:limits — what sharing the limits in Redis costs the acknowledgements: the same
 * ingest load against the service without REDIS_URL (limits in memory) and with it (device budgets
 * leased from Redis, apps/api/src/ingest/device-rate-limit.ts), alternating rounds in one run. Writes
 * the result to docs/BENCHMARKS.md.
 *
 * Environment: BENCH_DEVICES (300), BENCH_IN_FLIGHT (4), BENCH_SECONDS (10), BENCH_ROUNDS (2),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379; keys under a random prefix, deleted afterwards).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createClient } from 'redis';
import { runLoad, type LoadResult } from './load.js';
import { benchDatabase, provisionChairs, startService } from './service.js';
import { fmt, machine, ms, writeSection } from './support.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 300);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `im-bench-${randomBytes(4).toString('hex')}`;
const load = { inFlight: IN_FLIGHT, warmupS: 3, durationS: DURATION_S };

const loadAverage = os.loadavg()[0]!;
const redis = createClient({ url: REDIS_URL });
await redis.connect();
const commands = async () => {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
};

const database = await benchDatabase();
const memory = await startService(database.url);
const shared = await startService(database.url, { REDIS_URL, REDIS_PREFIX: PREFIX });
const rounds: { memory: LoadResult; shared: LoadResult; redisPerSecond: number }[] = [];
try {
  const { tokens } = await provisionChairs(memory.url, DEVICES);
  for (let round = 1; round <= ROUNDS; round++) {
    const inMemory = await runLoad(memory.url, tokens, { ...load, seqStart: round * 20_000_000 });
    const before = await commands();
    const inRedis = await runLoad(shared.url, tokens, { ...load, seqStart: round * 20_000_000 + 10_000_000 });
    // The Redis is shared with other work on this machine: an upper bound of what the service sent.
    const redisPerSecond = ((await commands()) - before) / (inRedis.seconds + load.warmupS);
    rounds.push({ memory: inMemory, shared: inRedis, redisPerSecond });
    console.log(
      `round ${round}: memory ${fmt(inMemory.perSecond)}/s p99 ${ms(inMemory.latencyMs.p99)} ms; ` +
        `redis ${fmt(inRedis.perSecond)}/s p99 ${ms(inRedis.latencyMs.p99)} ms, ${fmt(redisPerSecond)} Redis commands/s`,
    );
  }
} finally {
  await Promise.all([memory.stop(), shared.stop()]);
  await database.close();
  for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}:*`, COUNT: 1000 }))
    if (keys.length) await redis.del(keys);
  await redis.close();
}

const cell = (r: LoadResult) => `${fmt(r.perSecond)} · ${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p99)} ms`;
await writeSection(
  'limits',
  `## Shared limits: what Redis costs an acknowledgement

- Command: \`npm run bench:limits\` (\`node dist/bench/limits.js\`) — ${DEVICES} device connections, ${IN_FLIGHT} readings in flight each, ${load.warmupS} s warm-up, ${DURATION_S} s measured, ${ROUNDS} rounds alternating the service without \`REDIS_URL\` (limits in memory) and with it (device budgets leased from Redis in slices of \`DEVICE_RATE_PER_SECOND\` tokens, see docs/architecture.md), both on the same database.
- Machine: ${machine()}; load average ${loadAverage.toFixed(1)} at the start (the machine is shared); Redis 7 on the same machine, shared with other work (its command count is an upper bound of the service's).
- Run: ${new Date().toISOString()}.

| round | in memory: acks/s · p50 / p99 | in Redis: acks/s · p50 / p99 | Redis commands/s |
| ---: | ---: | ---: | ---: |
${rounds.map((r, i) => `| ${i + 1} | ${cell(r.memory)} | ${cell(r.shared)} | ${fmt(r.redisPerSecond)} |`).join('\n')}

Both services run saturated (each device sends again as soon as it is acknowledged), so the latencies are queueing, not Redis: a steady device waits for Redis only on its first reading. Compare the columns within a round; the rounds differ by what else the machine ran.
`,
);
