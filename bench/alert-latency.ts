/**
 * npm run bench:alerts — end-to-end alert latency: 1,000 sessions streaming at 1 Hz, each raising one
 * high BP alert at a random moment; the time from the device's emit to the ward's `alert` event, next
 * to the acknowledgement latency of the same readings (the cost of storing them, the floor).
 */
import type { Socket } from 'socket.io-client';
import { benchDatabase, provisionChairs, startService } from './service.js';
import { fmt, machine, openSocket, percentile, writeSection } from './support.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 40);

const database = await benchDatabase();
const app = await startService(database.url);
const triggerSent = new Map<string, number>();
const alertLatency: number[] = [];
const ackLatency: number[] = [];
let refused = 0;
try {
  const { tokens, sessionIds, nurseToken } = await provisionChairs(app.url, SESSIONS);
  const ward = await openSocket(app.url, '/ward', nurseToken);
  ward.on('alert', (alert: { sessionId: string; kind: string; severity: string; state: string }) => {
    const sent = triggerSent.get(alert.sessionId);
    if (sent !== undefined && alert.kind === 'bp_rise' && alert.severity === 'high' && alert.state === 'active') {
      alertLatency.push(performance.now() - sent);
      triggerSent.delete(alert.sessionId);
    }
  });

  const devices: Socket[] = [];
  for (let i = 0; i < tokens.length; i += 50)
    devices.push(...(await Promise.all(tokens.slice(i, i + 50).map((t) => openSocket(app.url, '/devices', t)))));
  const seqs = devices.map(() => 0);
  const now = Date.now();
  await Promise.all(
    devices.map((socket, d) =>
      socket.timeout(60_000).emitWithAck(
        'readings',
        Array.from({ length: 61 }, (_, i) => ({
          seq: ++seqs[d]!,
          recordedAt: new Date(now - (61 - i) * 1000).toISOString(),
          hr: 72,
          spo2: 98,
          ...(i % 30 === 0 ? { sbp: 120, dbp: 80 } : {}),
        })),
      ),
    ),
  );
  for (let i = 0; i < sessionIds.length; i += 20) {
    await Promise.all(
      sessionIds.slice(i, i + 20).map(async (id) => {
        const response = await fetch(`${app.url}/api/v1/sessions/${id}/infusion-start`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${nurseToken}` },
          body: '{}',
        });
        if (!response.ok) throw new Error(`infusion-start ${response.status} ${await response.text()}`);
      }),
    );
  }

  // Each device sends one reading a second at its own phase within the second; once, at a random
  // second, its cuff reading is 190/100 (a high BP alert at once).
  const triggerAt = devices.map((_, d) => 5 + ((d * 7919) % (SECONDS - 10)));
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let second = 0;
    const timer = setInterval(() => {
      if (second >= SECONDS) {
        clearInterval(timer);
        resolve();
        return;
      }
      const current = second++;
      devices.forEach((socket, d) => {
        setTimeout(
          () => {
            const trigger = triggerAt[d] === current;
            const reading = {
              seq: ++seqs[d]!,
              recordedAt: new Date().toISOString(),
              hr: 74,
              spo2: 98,
              ...(trigger ? { sbp: 190, dbp: 100 } : current % 20 === d % 20 ? { sbp: 121, dbp: 79 } : {}),
            };
            const sentAt = performance.now();
            if (trigger) triggerSent.set(sessionIds[d]!, sentAt);
            socket.emit('reading', reading, (ack: { ok: boolean }) => {
              if (!ack.ok) refused++;
              if (trigger) ackLatency.push(performance.now() - sentAt);
            });
          },
          (d * 997) % 1000,
        );
      });
    }, 1000);
  });
  await new Promise((r) => setTimeout(r, 3000));
  console.log(
    `streamed ${SECONDS} s in ${((performance.now() - started) / 1000).toFixed(1)} s; ${alertLatency.length}/${SESSIONS} alerts seen`,
  );
  for (const socket of devices) socket.disconnect();
  ward.disconnect();
} finally {
  await app.stop();
  await database.close();
}

const line = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 99).toFixed(1)} ms`;
};
console.log(`ack p50|p99 ${line(ackLatency)}; alert p50|p99 ${line(alertLatency)}; refused ${refused}`);
await writeSection(
  'alerts',
  `## Alert latency: device emit → ward \`alert\` event

- Command: \`npm run bench:alerts\` — ${fmt(SESSIONS)} open sessions in \`infusing\`, each device sending one reading a second (HR and SpO2, a cuff reading every 20 s) for ${SECONDS} s; each device sends one cuff reading of 190/100 at its own moment, which raises a high \`bp_rise\` at once. One ward client (a nurse of the site) receives every event.
- Baseline: the acknowledgement latency of the same triggering readings (validated and committed to PostgreSQL): the floor under the alert latency.
- Machine: ${machine()}; the devices, the ward client, the service and PostgreSQL share it.
- Database: ${database.kind}
- Run: ${new Date().toISOString()}

| measured on the triggering readings | p50 | p99 | samples |
| --- | ---: | ---: | ---: |
| baseline: device emit → acknowledgement (stored) | ${line(ackLatency)} | ${ackLatency.length} |
| device emit → ward \`alert\` event (stored, detected, alert stored, broadcast) | ${line(alertLatency)} | ${alertLatency.length} |

Target: p99 under 100 ms. Readings refused during the run: ${refused}.`,
);
