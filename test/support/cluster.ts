import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import { SimulatedDevice } from '../../apps/simulator/src/device';
import { query } from './database';
import { expectStoredExactlyOnce } from './fleet';
import { exited, freePort } from './processes';

/** The shared Redis of the suite (REDIS_URL, else the local one); tests keep apart by prefix. */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const randomPrefix = () => `im-test-${randomBytes(4).toString('hex')}`;

/** A Redis server the test owns, to stop and start again on the same port. */
export class OwnedRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<OwnedRedis> {
    const redis = new OwnedRedis(await freePort());
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`redis-server exited:\n${out}`)));
    });
  }

  /** A crash: SIGKILL, nothing saved. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }
}

/** Devices that send `rateHz` readings a second until stopped, keeping track of every acknowledgement. */
export class Fleet {
  readonly devices: SimulatedDevice[];
  private timer: NodeJS.Timeout | null = null;
  private tick = 0;

  constructor(
    urls: string[][],
    readonly world: { id: string; token: string }[],
    private readonly rateHz = 4,
  ) {
    this.devices = world.map(
      ({ token }, i) =>
        new SimulatedDevice(urls[i % urls.length]!, token, {
          trackAcknowledged: true,
          retryMs: 250,
          ackTimeoutMs: 3_000,
        }),
    );
  }

  async resumed(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.resumed()));
  }

  /** 61 s of HR, SpO2 and two cuff readings, back-dated to end now: enough for a baseline. */
  async baseline(sbp = 118, dbp = 76): Promise<void> {
    const start = Date.now() - 61_000;
    for (const device of this.devices) {
      for (let i = 0; i < 61; i++) {
        device.send(
          { hr: 72 + (i % 5) - 2, spo2: 98, ...(i % 30 === 0 ? { sbp, dbp } : {}) },
          new Date(start + i * 1000),
        );
      }
    }
    await Promise.all(this.devices.map((device) => device.drained(60_000)));
  }

  start(): void {
    this.timer = setInterval(() => {
      this.tick++;
      for (const device of this.devices) device.send({ hr: 70 + (this.tick % 10), spo2: 97, rr: 14 });
    }, 1000 / this.rateHz);
  }

  async finish(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.devices.map((device) => device.drained(90_000)));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const device of this.devices) device.close();
  }

  acknowledged(): number {
    return this.devices.reduce((sum, device) => sum + device.stats.acknowledged, 0);
  }

  /** Every acknowledged reading is in the database once, and nothing else is. */
  expectStoredExactlyOnce(databaseUrl: string): Promise<number> {
    return expectStoredExactlyOnce(databaseUrl, this.world, this.devices);
  }
}

export interface Lease {
  owner: string;
  epoch: number;
  live: boolean;
}

export async function leaseOf(databaseUrl: string, sessionId: string): Promise<Lease | null> {
  const [row] = await query<{ owner: string; epoch: string; live: boolean }>(
    databaseUrl,
    'SELECT owner, epoch, expires_at > now() AS live FROM engine_leases WHERE session_id = $1',
    [sessionId],
  );
  return row ? { owner: row.owner, epoch: Number(row.epoch), live: row.live } : null;
}
