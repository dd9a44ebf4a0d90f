/**
 * npm run bench:hl7 — HL7 v2 over MLLP: 200 gateway connections, each sending ORU^R01 messages of 5
 * observations (HR, SpO2, RR, NIBP systolic and diastolic) and waiting for each ACK, as a gateway in
 * original mode does. Measures the AA latency at 1,000 messages/s, then the most messages/s whose p99
 * stays under 100 ms, and the socket.io path's readings/s in the same run. Writes docs/BENCHMARKS.md.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { formatDtm } from '../apps/api/src/hl7/hl7-time.js';
import { frame, MllpDecoder } from '../apps/api/src/hl7/mllp-framing.js';
import { runLoad } from './load.js';
import { addChairs, benchDatabase, inParallel, provisionSite } from './service.js';
import {
  fmt,
  machine,
  ms,
  percentile,
  ROOT,
  SERVICE_NODE_ARGS,
  sleep,
  spawnUntil,
  stop,
  writeSection,
} from './support.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const STEP_S = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_S = 2;
const RATES = [1000, 1500, 2000, 3000, 4000, 6000, 8000, 10000, 12000];
/** A first, unreported pass at this rate, so the first measured step does not pay for JIT compilation. */
const PRIME_RATE = 500;
const PRIME_S = 5;
const LOWER_RATES = [500, 250, 100, 50];

interface StepResult {
  target: number;
  perSecond: number;
  p50: number;
  p99: number;
  refused: Record<string, number>;
}

const eui = (i: number) => (0x00bead0000000000n + BigInt(i)).toString(16).toUpperCase().padStart(16, '0');

function message(i: number, n: number): string {
  const at = formatDtm(Date.now());
  const obx = (k: number, code: string, value: number, unit: string) =>
    `OBX|${k}|NM|${code}^X^MDC|1.1.1.${k}|${value}|${unit}^X^MDC|||||R|||${at}`;
  return [
    `MSH|^~\\&|BenchGW^${eui(i)}^EUI-64|BENCH|||${at}||ORU^R01^ORU_R01|B${i}-${n}|P|2.6|||NE|AL`,
    `PID|||BENCH-${i}^^^BENCH^PI`,
    `OBR|1|||182777000^monitoring of patient^SCT|||${at}`,
    obx(1, '147842', 70 + (n % 10), '264864'),
    obx(2, '150456', 97, '262688'),
    obx(3, '151562', 14, '264928'),
    obx(4, '150021', 120 + (n % 5), '266016'),
    obx(5, '150022', 80, '266016'),
  ].join('\r');
}

/** One gateway connection: one message outstanding at a time, sent at its scheduled times. */
class Gateway {
  private readonly decoder = new MllpDecoder(1 << 20);
  private waiting: ((ack: string) => void) | null = null;
  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.decoder.push(chunk))
        if (event.kind === 'frame') this.waiting?.(event.payload.toString());
    });
  }
  static open(port: number): Promise<Gateway> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new Gateway(socket)));
      socket.once('error', reject);
    });
  }
  send(text: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(frame(text));
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

/** Open-loop pacing: latency counts from each message's scheduled time, so queueing is not hidden. */
async function step(
  gateways: Gateway[],
  target: number,
  counters: number[],
  seconds = { warmup: WARMUP_S, measured: STEP_S },
): Promise<StepResult> {
  const interval = (gateways.length / target) * 1000;
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let acknowledged = 0;
  let lastAck = 0;
  const start = performance.now() + 50;
  const measureFrom = start + seconds.warmup * 1000;
  const end = measureFrom + seconds.measured * 1000;
  await Promise.all(
    gateways.map(async (gateway, i) => {
      let due = start + (interval * i) / gateways.length;
      while (due < end) {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const ack = await gateway.send(message(i, ++counters[i]!));
        const code = /\rMSA\|(\w+)/.exec(ack)?.[1] ?? '?';
        if (due >= measureFrom) {
          if (code === 'AA') {
            acknowledged++;
            lastAck = performance.now();
            latencies.push(lastAck - due);
          } else refused[code] = (refused[code] ?? 0) + 1;
        }
        due += interval;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  // Over the time the measured messages took, not the time they were scheduled for.
  const took = Math.max(seconds.measured, (lastAck - measureFrom) / 1000);
  return {
    target,
    perSecond: acknowledged / took,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    refused,
  };
}

async function call<T>(url: string, token: string, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/api/v1${route}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const database = await benchDatabase();
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-bench-hl7-'));
const { child, match } = await spawnUntil(
  path.join(ROOT, 'dist/apps/api/src/main.js'),
  {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    HL7_MLLP_PORT: '0',
    PRINT_LISTENING_PORT: '1',
    ADMIN_PASSWORD: 'bench-bootstrap-secret',
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  },
  /MLLP (\d+)[\s\S]*?LISTENING (\d+)/,
  SERVICE_NODE_ARGS,
);
const url = `http://127.0.0.1:${match[2]}`;
const mllpPort = Number(match[1]);
const steps: StepResult[] = [];
const loadBefore = os.loadavg()[0]!;
let socketPath: Awaited<ReturnType<typeof runLoad>>;
try {
  const site = await provisionSite(url);
  await inParallel(
    Array.from({ length: CONNECTIONS }, (_, i) => i),
    20,
    async (i) => {
      const device = await call<{ id: string }>(url, site.adminToken, 'POST', '/devices', {
        siteId: site.siteId,
        name: `HL7 chair ${i}`,
        hl7Source: { sendingApplication: 'BenchGW', sendingFacility: 'BENCH', eui64: eui(i) },
      });
      await call(url, site.nurseToken, 'POST', '/sessions', {
        siteId: site.siteId,
        patientRef: `BENCH-HL7-${i}`,
        chair: `HL7 chair ${i}`,
        deviceId: device.id,
        protocolId: site.protocolId,
        weightKg: 70,
        plannedDoseMgPerKg: 0.5,
        seriesNumber: 1,
        consent: { obtainedAt: new Date().toISOString(), witnessedBy: 'Bench' },
      });
    },
  );
  const gateways: Gateway[] = [];
  for (let i = 0; i < CONNECTIONS; i++) gateways.push(await Gateway.open(mllpPort));
  const counters = gateways.map(() => 0);
  await step(gateways, PRIME_RATE, counters, { warmup: PRIME_S, measured: 0 });
  const ok = (r: StepResult) => r.p99 < 100 && r.perSecond >= r.target * 0.95;
  const run = async (target: number) => {
    const result = await step(gateways, target, counters);
    steps.push(result);
    console.log(
      `${fmt(target)}/s target: ${fmt(result.perSecond)} AA/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms ${JSON.stringify(result.refused)}`,
    );
    return ok(result);
  };
  // 1,000/s first (the figure asked for), then up while p99 < 100 ms, or down until it is.
  if (await run(1000)) {
    for (const target of RATES.filter((r) => r > 1000)) if (!(await run(target))) break;
  } else {
    for (const target of LOWER_RATES) {
      await sleep(3000); // let the backlog of the step before drain
      if (await run(target)) break;
    }
  }
  for (const gateway of gateways) gateway.close();

  const { tokens } = await addChairs(site, CONNECTIONS, { first: 1000 });
  socketPath = await runLoad(url, tokens, { inFlight: 8, warmupS: WARMUP_S, durationS: STEP_S });
  console.log(`socket.io path: ${fmt(socketPath.perSecond)} readings/s`);
} finally {
  await stop(child);
  await fs.rm(dataDir, { recursive: true, force: true });
  await database.close();
}

const at1000 = steps[0]!;
const best = steps.filter((s) => s.p99 < 100 && s.perSecond >= s.target * 0.95).sort((a, b) => b.target - a.target)[0];
const rows = steps.map(
  (s) => `| ${fmt(s.target)} | ${fmt(s.perSecond)} | ${ms(s.p50)} | ${ms(s.p99)} | ${JSON.stringify(s.refused)} |`,
);
await writeSection(
  'hl7',
  `## HL7 v2 over MLLP: AA latency and capacity

- Command: \`npm run bench:hl7\` — ${CONNECTIONS} MLLP connections (one per registered HL7 source, each bound to an open session), ORU^R01 messages of 5 observations (HR, SpO2, RR, NIBP systolic/diastolic: one reading each), one message outstanding per connection as a gateway in original mode sends them. Open-loop pacing: latency counts from each message's scheduled send time. ${WARMUP_S} s warm-up and ${STEP_S} s measured per rate; a ${PRIME_S} s unreported pass at ${fmt(PRIME_RATE)}/s warms the service up; 1,000/s first; then the rate rises while p99 < 100 ms and the rate is reached, or falls until both hold.
- An AA means the message was parsed, mapped, its source found, its control id recorded and its reading committed to PostgreSQL.
- Machine: ${machine()}; the load generator, the service and PostgreSQL share its cores (1-minute load average ${loadBefore.toFixed(1)} as the run began, the build before it included${loadBefore > os.cpus().length ? ': **other processes were busy, so these numbers are a floor**' : ''}).
- Database: ${database.kind}
- Run: ${new Date().toISOString()}

| target messages/s | AA/s | p50 ms | p99 ms | refusals |
| ---: | ---: | ---: | ---: | --- |
${rows.join('\n')}

- At 1,000 messages/s: **p50 ${ms(at1000.p50)} ms, p99 ${ms(at1000.p99)} ms**.
- Most messages/s with p99 < 100 ms: **${best ? fmt(best.target) : `none of the rates tried (down to ${fmt(Math.min(...steps.map((s) => s.target)))}/s)`}**.
- The socket.io path in the same run (${CONNECTIONS} device connections, 8 readings in flight each): **${fmt(socketPath!.perSecond)} durable readings/s** (p50 ${ms(socketPath!.latencyMs.p50)} ms, p99 ${ms(socketPath!.latencyMs.p99)} ms). An HL7 message here carries one reading, so messages/s compare with readings/s.`,
);
