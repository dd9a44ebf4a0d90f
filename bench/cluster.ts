/**
 * npm run bench:cluster — two instances on one PostgreSQL and one Redis, 1,000 sessions at 1 Hz,
 * beside one instance alone on the same database in the same run:
 *  - acknowledgement latency (the paced pool, bench/paced-pool.ts);
 *  - device emit → ward `alert`, the device on one instance and the nurse's screen on the other;
 *  - failover: one instance killed with SIGKILL; the time until each of its devices (reconnecting to
 *    the other, apps/simulator/src/device.ts) is acknowledged again, and until every open session's
 *    engine is owned again.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { SimulatedDevice } from '../apps/simulator/src/device.js';
import { PacedPool, problems, type DeviceSpec, type WindowResult } from './paced-pool.js';
import { addChairs, benchDatabase, baselineReadings, provisionSite, startInfusions, startService } from './service.js';
import { fmt, machine, ms, openSocket, percentile, sleep, writeSection } from './support.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const PROBES = Number(process.env.BENCH_PROBES ?? 120);
const WINDOW_S = Number(process.env.BENCH_SECONDS ?? 15);
const LEASE_MS = Number(process.env.ENGINE_LEASE_MS ?? 5000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `im-bench-${randomBytes(3).toString('hex')}`;
/** One signing key for every instance: a token from one is valid on the others. */
const JWT_SECRET = randomBytes(32).toString('hex');

type Service = Awaited<ReturnType<typeof startService>>;

const database = await benchDatabase();
const pool = PacedPool.start(1);
const services: Service[] = [];
const began = performance.now();
const loadBefore = os.loadavg()[0]!;
const log = (message: string) =>
  process.stdout.write(`[${((performance.now() - began) / 1000).toFixed(0)} s] ${message}\n`);

/** A probe chair: a device socket with its baseline stored and its infusion started. */
interface Probe {
  token: string;
  sessionId: string;
  socket: Socket;
  seq: number;
}

async function probes(url: string, site: Awaited<ReturnType<typeof provisionSite>>, count: number, first: number) {
  const { tokens, sessionIds } = await addChairs(site, count, { first });
  const list: Probe[] = [];
  for (const [i, token] of tokens.entries()) {
    const socket = await openSocket(url, '/devices', token);
    const batch = baselineReadings(Date.now(), 1);
    await socket.timeout(60_000).emitWithAck('readings', batch);
    list.push({ token, sessionId: sessionIds[i]!, socket, seq: batch.length });
  }
  await startInfusions(site, sessionIds);
  return list;
}

/** Each probe raises one high BP alert, at random moments over `seconds`; the ward on `wardUrl` times them. */
async function alertLatency(list: Probe[], wardUrl: string, nurseToken: string, seconds: number): Promise<number[]> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const ward = await openSocket(wardUrl, '/ward', nurseToken);
  ward.on('alert', (alert: { sessionId: string; severity: string; state: string }) => {
    const at = sent.get(alert.sessionId);
    if (at === undefined || alert.severity !== 'high' || alert.state !== 'active') return;
    latencies.push(performance.now() - at);
    sent.delete(alert.sessionId);
  });
  await Promise.all(
    list.map(async (probe) => {
      await sleep(Math.random() * seconds * 1000);
      const reading = { seq: ++probe.seq, recordedAt: new Date().toISOString(), hr: 74, spo2: 97, sbp: 190, dbp: 98 };
      sent.set(probe.sessionId, performance.now());
      probe.socket.emit('reading', reading);
    }),
  );
  await sleep(10_000);
  ward.close();
  for (const probe of list) probe.socket.close();
  return latencies.sort((a, b) => a - b);
}

async function window(): Promise<WindowResult> {
  await pool.measure();
  await sleep(WINDOW_S * 1000);
  return pool.collect();
}

async function ownedAgain(client: pg.Client, killedOwner: RegExp): Promise<boolean> {
  const { rows } = await client.query<{ owner: string | null; live: boolean | null }>(
    `SELECT l.owner, l.expires_at > now() AS live FROM sessions s LEFT JOIN engine_leases l ON l.session_id = s.id
      WHERE s.phase IN ('baseline', 'infusing', 'recovery')`,
  );
  return rows.every((r) => r.live && r.owner !== null && !killedOwner.test(r.owner));
}

try {
  // ---- one instance -----------------------------------------------------------------------
  const single = await startService(database.url, { JWT_SECRET });
  services.push(single);
  const site = await provisionSite(single.url);
  log(`provisioning ${SESSIONS} chairs and ${2 * PROBES} probe chairs…`);
  const { tokens } = await addChairs(site, SESSIONS);
  const specs: DeviceSpec[] = tokens.map((token, index) => ({ index, token, seq: 0 }));
  const probesSingle = await probes(single.url, site, PROBES, SESSIONS + 1);
  const probesCluster = await probes(single.url, site, PROBES, SESSIONS + PROBES + 1);
  for (const probe of probesCluster) probe.socket.close();
  log('probes ready; connecting the devices to one instance…');
  await pool.connect('all', single.url, specs);
  await pool.start('all');
  await sleep(3_000);
  const singleAck = await window();
  const singleAlert = await alertLatency(probesSingle, single.url, site.nurseToken, 8);
  await pool.close('all');
  await single.stop();
  services.length = 0;
  log(`one instance: ack p99 ${ms(singleAck.latencyMs.p99)} ms, alert p99 ${ms(percentile(singleAlert, 99))} ms`);

  // ---- two instances ----------------------------------------------------------------------
  const env = { JWT_SECRET, REDIS_URL, REDIS_PREFIX: prefix, ENGINE_LEASE_MS: String(LEASE_MS) };
  const [a, b] = await Promise.all([startService(database.url, env), startService(database.url, env)]);
  services.push(a!, b!);
  log('two instances started');
  const half = Math.ceil(specs.length / 2);
  const [onA, onB] = [specs.slice(0, half), specs.slice(half)];
  await pool.connect('a', a!.url, onA);
  await pool.connect('b', b!.url, onB);
  await pool.start('a');
  await pool.start('b');
  await sleep(3_000);
  const clusterAck = await window();
  // Probe devices on A, the nurse's screen on B.
  const reconnected: Probe[] = [];
  for (const probe of probesCluster)
    reconnected.push({ ...probe, socket: await openSocket(a!.url, '/devices', probe.token) });
  const clusterAlert = await alertLatency(reconnected, b!.url, site.nurseToken, 8);
  log(`two instances: ack p99 ${ms(clusterAck.latencyMs.p99)} ms, alert p99 ${ms(percentile(clusterAlert, 99))} ms`);

  // ---- failover -----------------------------------------------------------------------------
  // A's devices become monitors that know both addresses (they resend from `resume` on their own).
  await pool.close('a');
  const devices = onA.map((spec) => new SimulatedDevice([a!.url, b!.url], spec.token));
  await Promise.all(devices.map((device) => device.resumed()));
  const beat = setInterval(() => {
    for (const device of devices) device.send({ hr: 72, spo2: 98 });
  }, 1000);
  await sleep(3_000);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const killedOwner = new RegExp(`-${a!.child.pid}-[0-9a-f]+$`);
  const killedAt = performance.now();
  const backAt = new Map<SimulatedDevice, number>();
  for (const device of devices) {
    device.on('ack', () => {
      if (!backAt.has(device) && device.url === b!.url) backAt.set(device, performance.now() - killedAt);
    });
  }
  a!.child.kill('SIGKILL');
  services.splice(services.indexOf(a!), 1);
  let ownedAfterMs = NaN;
  const deadline = killedAt + 60_000;
  while (performance.now() < deadline && (backAt.size < devices.length || Number.isNaN(ownedAfterMs))) {
    if (Number.isNaN(ownedAfterMs) && (await ownedAgain(client, killedOwner)))
      ownedAfterMs = performance.now() - killedAt;
    await sleep(100);
  }
  clearInterval(beat);
  await client.end();
  for (const device of devices) device.close();
  const back = [...backAt.values()].sort((x, y) => x - y);
  log(`failover: devices back p99 ${ms(percentile(back, 99))} ms, engines owned after ${ms(ownedAfterMs)} ms`);

  const row = (name: string, w: WindowResult, alerts: number[]) =>
    `| ${name} | ${fmt(w.sent)} | ${problems(w)} | ${ms(w.latencyMs.p50)} | ${ms(w.latencyMs.p99)} | ${alerts.length} | ${ms(percentile(alerts, 50))} | ${ms(percentile(alerts, 99))} |`;
  await writeSection(
    'cluster',
    `## Two instances on Redis (\`npm run bench:cluster\`)

${machine()}; PostgreSQL at DATABASE_URL, Redis 7 on the same machine. ${fmt(SESSIONS)} sessions, one reading a
second each (the paced pool, one worker thread), measured for ${WINDOW_S} s; first one instance alone, then two
instances (\`REDIS_URL\`, \`ENGINE_LEASE_MS=${LEASE_MS}\`) on the same database, half of the devices on each.
Alert latency: ${PROBES} more sessions in infusion each raise one high BP alert at a random moment; with two
instances the device is connected to one and the nurse's screen to the other. The load generator, the
instances, PostgreSQL and Redis share the machine's cores (1-minute load average ${loadBefore.toFixed(1)} as the run
began${loadBefore > os.cpus().length ? ': **other processes were busy, so the figures are noisy**' : ''}). Run: ${new Date().toISOString()}.

| run | readings | problems | ack p50 ms | ack p99 ms | alerts | emit → ward \`alert\` p50 ms | p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${row('one instance', singleAck, singleAlert)}
${row('two instances + Redis', clusterAck, clusterAlert)}

Failover: one of the two instances killed with SIGKILL while its ${fmt(devices.length)} devices stream (they
know both addresses and reconnect to the other, resending from \`resume\`).

| devices acknowledged again | p50 | p99 | max | every engine owned again |
| ---: | ---: | ---: | ---: | ---: |
| ${fmt(back.length)} of ${fmt(devices.length)} | ${ms(percentile(back, 50))} ms | ${ms(percentile(back, 99))} ms | ${ms(back.at(-1) ?? NaN)} ms | ${ms(ownedAfterMs)} ms |

Targets: emit → ward \`alert\` across instances p99 < 100 ms; devices back p99 ≤ 5 s; engines owned
again ≤ 10 s (a lapsed lease is taken over within ${LEASE_MS} ms + a quarter of it, then rebuilt).`,
  );
} finally {
  await pool.terminate();
  for (const service of services) await service.stop().catch(() => undefined);
  await database.close();
}
process.exit(0);
