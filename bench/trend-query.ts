/**
 * npm run bench:trend — the trend query a session view makes: `GET /sessions/:id/readings?maxPoints=1000`
 * over a 4-hour session at 1 Hz (14,400 readings), as a nurse of the site, next to a plain
 * `SELECT * FROM readings WHERE session_id = $1 ORDER BY recorded_at` of the same rows from this
 * process through `pg` (the baseline: what reading the rows costs before any work of the service),
 * and the same endpoint returning every point (maxPoints=20000) for context.
 *
 * The service keeps a session's readings in memory once it has read them (apps/api/src/readings:
 * `SeriesCache`, kept current by the writer's announcements) and serves later requests from there
 * after an index-only count of the range's rows in the database agrees. So the repeated request of
 * the main row is served from memory, and the benchmark also measures what that does not show:
 * - cold: the first request of each chair's session after the service started (it reads the rows);
 * - a cache miss repeatedly, in this process: the service's own series query, parse, downsampling
 *   and JSON (`SERIES_SQL`, `ReadingSeries`, `trendPage`), without HTTP, token check or audit;
 * - live: the same request for another chair's session while its monitor keeps sending a reading
 *   a second (the entry follows the announcements; a count that disagrees sends it to the database);
 * - fixed cost: the endpoint for a range after the last reading (no rows): token check and user
 *   lookup, session lookup, the `readings.read` audit event and HTTP, which every request pays.
 *
 * Data: BENCH_TREND_CHAIRS chairs of one site (default 8, the measured session and its neighbours)
 * each send a synthetic 4-hour session (libs/vitals `syntheticSession`: 10 min baseline, 40 min
 * infusion, 190 min recovery; HR, SpO2 and RR every second, a cuff reading every 3–5 min) through
 * the device protocol, recordedAt from 4 hours ago to now. They send 10 s of readings each per
 * `readings` batch in turns, so the rows of concurrent sessions interleave in the table as they do
 * when chairs stream together. The service runs with DEVICE_RATE_PER_SECOND=100000 for this backlog
 * (the default 100/s would take 2.5 minutes per chair); nothing else differs from the defaults.
 * Then `VACUUM (ANALYZE) readings`, so autovacuum does not start in the middle of the timing.
 *
 * Timing: BENCH_TREND_WARMUP (default 30) untimed rounds, then BENCH_TREND_REQUESTS (default 300)
 * rounds, each one of every query in turn (the order rotating), one at a time. Checks: the response
 * has at most 1000 points, holds the session's highest SBP, highest HR and lowest non-zero SpO2, and
 * is the same as the rows read afresh and downsampled as the service did before it had a cache; the
 * live session's response after the timing is the same as its rows read afresh.
 */
import os from 'node:os';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import type { VitalsEvent } from '#contracts';
import { downsample, syntheticSession } from '#vitals';
import { ReadingSeries, type SeriesText } from '../apps/api/src/readings/reading-series.js';
import { SERIES_SQL } from '../apps/api/src/readings/readings.repository.js';
import { trendPage } from '../apps/api/src/readings/series-queries.js';
import { addChairs, benchDatabase, provisionSite, startService } from './service.js';
import { fmt, machine, openSocket, percentile, writeSection } from './support.js';

const CHAIRS = Number(process.env.BENCH_TREND_CHAIRS ?? 8);
const REQUESTS = Number(process.env.BENCH_TREND_REQUESTS ?? 300);
const WARMUP = Number(process.env.BENCH_TREND_WARMUP ?? 30);
const READINGS = 14_400;
const CHUNK = 10;
const MAX_POINTS = 1000;

interface WireReading {
  seq: number;
  recordedAt: string;
  hr?: number;
  sbp?: number;
  dbp?: number;
  map?: number;
  spo2?: number;
  rr?: number;
}

interface Trend {
  sessionId: string;
  total: number;
  downsampled: boolean;
  readings: VitalsEvent[];
}

/** A 4-hour synthetic session ending a second ago, as the device sends it. */
function sessionReadings(seed: number, nowMs: number): WireReading[] {
  const { readings } = syntheticSession({
    seed,
    intervalSeconds: 1,
    recoveryMinutes: 190,
    startMs: nowMs - READINGS * 1000,
  });
  return readings.slice(0, READINGS).map((r, i) => {
    const wire: WireReading = { seq: i + 1, recordedAt: new Date(r.recordedAtMs).toISOString() };
    for (const key of ['hr', 'sbp', 'dbp', 'map', 'spo2', 'rr'] as const) if (r[key] !== null) wire[key] = r[key];
    return wire;
  });
}

const started = performance.now();
const loadAtStart = os.loadavg()[0]!;
const database = await benchDatabase();
const app = await startService(database.url, { DEVICE_RATE_PER_SECOND: '100000', DEVICE_RATE_BURST: '1000000' });
const client = new pg.Client({ connectionString: database.url, application_name: 'bench-baseline' });
await client.connect();

const QUERIES = ['select', 'trend', 'miss', 'live', 'fixed', 'all'] as const;
type Query = (typeof QUERIES)[number];
const timings = Object.fromEntries(QUERIES.map((q) => [q, [] as number[]])) as Record<Query, number[]>;
const bytes = Object.fromEntries(QUERIES.map((q) => [q, 0])) as Record<Query, number>;
const cold: number[] = [];
const checks: string[] = [];
let ingestSeconds = 0;
let liveSent = 0;
let sessionId = '';
let sent: WireReading[] = [];
try {
  const site = await provisionSite(app.url);
  const { tokens, sessionIds } = await addChairs(site, CHAIRS);
  sessionId = sessionIds[0]!;
  const liveId = sessionIds[1]!;
  const now = Date.now();
  const sessions = tokens.map((_, i) => sessionReadings(i + 1, now));
  sent = sessions[0]!;
  const devices = await Promise.all(tokens.map((token) => openSocket(app.url, '/devices', token)));
  const ingestStarted = performance.now();
  const send = async (socket: Socket, batch: WireReading[], chair: number) => {
    const ack = (await socket.timeout(60_000).emitWithAck('readings', batch)) as {
      ok: boolean;
      results?: { ok: boolean; error?: { code: string } }[];
    };
    const refused = ack.ok ? ack.results!.filter((r) => !r.ok) : batch;
    if (refused.length > 0)
      throw new Error(`chair ${chair}: ${refused.length} readings refused: ${JSON.stringify(ack)}`);
  };
  for (let offset = 0; offset < READINGS; offset += CHUNK) {
    await Promise.all(devices.map((socket, d) => send(socket, sessions[d]!.slice(offset, offset + CHUNK), d + 1)));
  }
  ingestSeconds = (performance.now() - ingestStarted) / 1000;
  for (const [d, socket] of devices.entries()) if (d !== 1) socket.disconnect();
  await client.query('VACUUM (ANALYZE) readings');
  const { rows: counted } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM readings WHERE session_id = $1',
    [sessionId],
  );
  console.log(
    `${fmt(CHAIRS * READINGS)} readings stored in ${ingestSeconds.toFixed(1)} s; the session has ${fmt(counted[0]!.n)}`,
  );
  if (counted[0]!.n !== READINGS) throw new Error(`expected ${READINGS} rows, found ${counted[0]!.n}`);

  const get = async (id: string, query: string): Promise<{ body: Trend; size: number }> => {
    const response = await fetch(`${app.url}/api/v1/sessions/${id}/readings?${query}`, {
      headers: { authorization: `Bearer ${site.nurseToken}` },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET readings → ${response.status} ${text}`);
    return { body: JSON.parse(text) as Trend, size: text.length };
  };
  const afterLast = new Date(now + 3_600_000).toISOString();

  // Cold: the first request of each session after the service started.
  for (const id of sessionIds) {
    const t0 = performance.now();
    await get(id, `maxPoints=${MAX_POINTS}`);
    cold.push(performance.now() - t0);
  }

  // Live: the second chair's monitor goes on sending a reading a second during the timing.
  const liveSocket = devices[1]!;
  let live = true;
  let liveSeq = READINGS;
  const liveSender = (async () => {
    while (live) {
      const reading = { seq: ++liveSeq, recordedAt: new Date().toISOString(), hr: 72, spo2: 98, rr: 14 };
      await send(liveSocket, [reading], 2);
      liveSent++;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();

  const queries: Record<Query, () => Promise<number>> = {
    select: async () => {
      await client.query('SELECT * FROM readings WHERE session_id = $1 ORDER BY recorded_at', [sessionId]);
      return 0;
    },
    trend: async () => (await get(sessionId, `maxPoints=${MAX_POINTS}`)).size,
    // What the service does for a request it cannot serve from memory, in this process.
    miss: async () => {
      const { rows } = await client.query<SeriesText>(SERIES_SQL, [sessionId, null, null]);
      const series = ReadingSeries.fromText(rows[0]!);
      return JSON.stringify(trendPage(series, 0, series.length, MAX_POINTS, sessionId, sessionId)).length;
    },
    live: async () => (await get(liveId, `maxPoints=${MAX_POINTS}`)).size,
    fixed: async () => (await get(sessionId, `from=${afterLast}&maxPoints=${MAX_POINTS}`)).size,
    all: async () => (await get(sessionId, 'maxPoints=20000')).size,
  };
  try {
    for (let round = 0; round < WARMUP + REQUESTS; round++) {
      for (let k = 0; k < QUERIES.length; k++) {
        const name = QUERIES[(round + k) % QUERIES.length]!;
        const t0 = performance.now();
        const size = await queries[name]();
        const elapsed = performance.now() - t0;
        if (round >= WARMUP) {
          timings[name].push(elapsed);
          bytes[name] = size;
        }
      }
    }
  } finally {
    live = false;
    await liveSender;
    liveSocket.disconnect();
  }

  // What the session view gets: at most 1000 points, with the peaks and the dip, and the same
  // points as the rows read afresh and downsampled as the service did before it kept them.
  const afresh = async (id: string): Promise<Trend> => {
    const { rows } = await client.query<VitalsEvent & { session_id: string; recorded_at: Date }>(
      'SELECT session_id, seq, recorded_at, hr, sbp, dbp, map, spo2, rr, temp FROM readings WHERE session_id = $1 ORDER BY recorded_at, seq',
      [id],
    );
    const points = rows.map(({ session_id, seq, recorded_at, hr, sbp, dbp, map, spo2, rr, temp }) => ({
      sessionId: session_id,
      seq: Number(seq),
      recordedAt: recorded_at.toISOString(),
      ...{ hr, sbp, dbp, map, spo2, rr, temp },
      t: recorded_at.getTime(),
    }));
    const kept = downsample(points, MAX_POINTS);
    const readings = kept.map(({ t: _t, ...vitals }) => vitals);
    return { sessionId: id, total: rows.length, downsampled: kept.length < rows.length, readings };
  };
  const { body } = await get(sessionId, `maxPoints=${MAX_POINTS}`);
  const { body: liveBody } = await get(liveId, `maxPoints=${MAX_POINTS}`);
  const same = async (got: Trend, id: string) => JSON.stringify(got) === JSON.stringify(await afresh(id));
  const maxOf = (values: (number | null | undefined)[]) => Math.max(...values.filter((v): v is number => v != null));
  const minOf = (values: (number | null | undefined)[]) =>
    Math.min(...values.filter((v): v is number => v != null && v > 0));
  const expect = [
    ['highest SBP', maxOf(sent.map((r) => r.sbp)), maxOf(body.readings.map((r) => r.sbp))],
    ['highest HR', maxOf(sent.map((r) => r.hr)), maxOf(body.readings.map((r) => r.hr))],
    ['lowest non-zero SpO2', minOf(sent.map((r) => r.spo2)), minOf(body.readings.map((r) => r.spo2))],
  ] as const;
  checks.push(
    `${fmt(body.readings.length)} points of ${fmt(body.total)} (≤ ${MAX_POINTS}: ${body.readings.length <= MAX_POINTS ? 'yes' : 'NO'}, downsampled: ${body.downsampled})`,
    ...expect.map(
      ([what, inSession, inResponse]) =>
        `${what} ${inSession} kept: ${inSession === inResponse ? 'yes' : `NO (${inResponse})`}`,
    ),
    `same as the rows read afresh and downsampled: ${(await same(body, sessionId)) ? 'yes' : 'NO'}`,
    `live session after ${fmt(liveSent)} more readings (${fmt(liveBody.total)} in all): same as read afresh: ${(await same(liveBody, liveId)) ? 'yes' : 'NO'}`,
  );
  console.log(checks.join('; '));
} finally {
  await client.end();
  await app.stop();
  await database.close();
}
const minutes = (performance.now() - started) / 60_000;

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1)! };
};
const line = (values: number[]) => {
  const s = stats(values);
  return `${s.p50.toFixed(1)} ms | ${s.p95.toFixed(1)} ms | ${s.p99.toFixed(1)} ms | ${s.max.toFixed(1)} ms`;
};
const kib = (query: Query) => (bytes[query] < 1024 ? `${bytes[query]} B` : `${fmt(bytes[query] / 1024)} KiB`);
const trend = stats(timings.trend);
const select = stats(timings.select);
const miss = stats(timings.miss);
const coldSorted = [...cold].sort((a, b) => a - b);
console.log(
  `maxPoints=${MAX_POINTS}: p50 ${trend.p50.toFixed(1)} ms, p95 ${trend.p95.toFixed(1)} ms; cold ${coldSorted.map((t) => t.toFixed(0)).join('/')} ms; miss p95 ${miss.p95.toFixed(1)} ms; live p95 ${stats(timings.live).p95.toFixed(1)} ms; fixed p95 ${stats(timings.fixed).p95.toFixed(1)} ms; plain SELECT p50 ${select.p50.toFixed(1)} ms, p95 ${select.p95.toFixed(1)} ms; all points p95 ${stats(timings.all).p95.toFixed(1)} ms; ${minutes.toFixed(1)} min`,
);

await writeSection(
  'trend',
  `## Trend query: a 4-hour session's readings

- Command: \`npm run bench:trend\` (\`node dist/bench/trend-query.js\`) — one session of ${fmt(READINGS)} readings (4 h at 1 Hz: HR, SpO2 and RR every second, a cuff reading every 3–5 min; synthetic, from \`syntheticSession\`), stored through the device protocol together with ${CHAIRS - 1} other chairs of the site streaming the same 4 hours (${fmt(CHAIRS * READINGS)} rows in all, interleaved 10 s at a time; ${ingestSeconds.toFixed(0)} s to ingest with the per-device rate limit raised for the backlog), then \`VACUUM (ANALYZE) readings\`. ${fmt(REQUESTS)} timed rounds after ${WARMUP} untimed ones; each round runs each query once, one at a time, in rotating order.
- Measured: \`GET /api/v1/sessions/:id/readings?maxPoints=${MAX_POINTS}\` as a nurse of the site, from request to the whole body (token check and user lookup, session lookup, the trend, JSON, and the \`readings.read\` audit event committed before the answer). The service keeps a session's readings in memory after its first trend request (about 1 MiB for these 4 hours), kept current by the writer's announcements of committed readings, and uses them only when an index-only count of the range's rows in the database agrees; otherwise, and for the first request, it reads the rows as one row of column strings. The repeated request of the main row is therefore served from memory; the rows below it show the first request, a cache miss, a session that is receiving readings, and the cost every request pays.
- Baseline: \`SELECT * FROM readings WHERE session_id = $1 ORDER BY recorded_at\` of all ${fmt(READINGS)} rows from the benchmark process through \`pg\` (rows parsed into objects): reading the data, before any work of the service.
- Machine: ${machine()}; the client, the service and PostgreSQL share it. Load (1-minute average) ${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end, for ${os.cpus().length} CPUs: above that, other work competed for them.
- Database: ${database.kind}
- Run: ${new Date().toISOString()}, ${minutes.toFixed(1)} min in all.

| query | p50 | p95 | p99 | max | body |
| --- | ---: | ---: | ---: | ---: | ---: |
| baseline: plain \`SELECT *\` of the session's ${fmt(READINGS)} rows (\`pg\`) | ${line(timings.select)} | – |
| \`GET …/readings?maxPoints=${MAX_POINTS}\` (repeated: served from memory after the count) | ${line(timings.trend)} | ${kib('trend')} |
| live: the same for a session receiving a reading a second (${fmt(liveSent)} during the timing) | ${line(timings.live)} | ${kib('live')} |
| cache miss, in the benchmark process: the service's series query, parse, downsampling and JSON (no HTTP, token, audit) | ${line(timings.miss)} | ${kib('miss')} |
| fixed cost: \`GET …/readings?from=<after the last reading>\` (no rows: token, user and session lookup, audit event, HTTP) | ${line(timings.fixed)} | ${kib('fixed')} |
| context: \`GET …/readings?maxPoints=20000\` (every point) | ${line(timings.all)} | ${kib('all')} |

Cold: the first \`GET …/readings?maxPoints=${MAX_POINTS}\` of each of the ${CHAIRS} sessions after the service started (the service reads the rows): ${coldSorted.map((t) => `${t.toFixed(0)}`).join(', ')} ms.

Response check: ${checks.join('; ')}.

**p95 of the trend query: ${trend.p95.toFixed(1)} ms** against ${select.p95.toFixed(1)} ms for the plain SELECT of the same rows (target p95 < 20 ms: ${trend.p95 < 20 ? 'met' : 'not met'}); a cache miss adds about ${miss.p50.toFixed(1)} ms (p50 of the miss row) to the fixed cost.`,
);
