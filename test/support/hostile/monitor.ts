import { Worker } from 'node:worker_threads';
import type { ReadingAck } from '../../../libs/contracts/src/index';

// The well-behaved monitor (a worker thread streaming a reading every 100 ms), and its measurements. (The hostile-input suite: suite.ts.)

/**
 * The well-behaved monitor: a valid reading every 100 ms on its own session, sent without waiting
 * for the previous acknowledgement as a real monitor streams, and `/health` polled every 500 ms. It
 * runs in a worker thread, so its timings measure the service, not the bursts of work of the test
 * thread (which, in the flood, encodes 20,000 emits in one go).
 */
export const MONITOR_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require(workerData.clientPath);
const { url, token, startMs } = workerData;
const samples = [];
const health = [];
const timers = [];
let seq = 0;
let pending = 0;
const socket = io(url + '/devices', { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
socket.once('resume', () => {
  timers.push(setInterval(() => {
    const n = ++seq;
    const at = Date.now();
    const started = performance.now();
    const reading = { seq: n, recordedAt: new Date(startMs + n * 100).toISOString(), hr: 70 + (n % 9), spo2: 98 };
    pending++;
    socket.timeout(10000).emit('reading', reading, (error, ack) => {
      pending--;
      const answer = error ? { ok: false, error: { code: 'no answer: ' + error.message } } : ack;
      samples.push({ seq: n, at, ms: performance.now() - started, ack: answer });
    });
  }, 100));
  timers.push(setInterval(() => {
    const at = Date.now();
    const started = performance.now();
    pending++;
    fetch(url + '/health', { signal: AbortSignal.timeout(5000) })
      .then(async (response) => (await response.text(), response.status), () => 0)
      .then((status) => {
        pending--;
        health.push({ at, ms: performance.now() - started, status });
      });
  }, 500));
  parentPort.postMessage('started');
});
parentPort.on('message', () => {
  for (const timer of timers) clearInterval(timer);
  const finish = () => {
    if (pending > 0) return setTimeout(finish, 20);
    socket.close();
    parentPort.postMessage({ samples, health });
  };
  finish();
});
`;

export interface MonitorSample {
  seq: number;
  /** When it was sent (epoch ms). */
  at: number;
  /** Until its acknowledgement came. */
  ms: number;
  ack: ReadingAck;
}

export class WellBehavedMonitor {
  samples: MonitorSample[] = [];
  health: { at: number; ms: number; status: number }[] = [];
  private stopped: Promise<void> | null = null;

  private constructor(private readonly worker: Worker) {}

  static async start(url: string, token: string): Promise<WellBehavedMonitor> {
    const worker = new Worker(MONITOR_WORKER, {
      eval: true,
      // One reading each 100 ms, dated in real time (from a minute back, within the session's clock tolerance).
      workerData: { url, token, startMs: Date.now() - 60_000, clientPath: require.resolve('socket.io-client') },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new WellBehavedMonitor(worker);
  }

  /** Stops sending, waits for the last answers, and collects what the worker measured. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('message', (result: { samples: MonitorSample[]; health: WellBehavedMonitor['health'] }) => {
        this.samples = result.samples;
        this.health = result.health;
        void this.worker.terminate().then(() => resolve());
      });
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }

  get acked(): number[] {
    return this.samples.filter((s) => s.ack.ok).map((s) => s.seq);
  }

  get problems(): string[] {
    const wrong = this.samples.filter((s) => !s.ack.ok || s.ack.seq !== s.seq || s.ack.duplicate);
    return [
      ...wrong.map((s) => `seq ${s.seq}: ${JSON.stringify(s.ack)}`),
      ...this.health.filter((h) => h.status !== 200).map((h) => `/health at ${h.at}: ${h.status || 'no answer'}`),
    ];
  }
}
