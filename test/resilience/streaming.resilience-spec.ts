import { SimulatedDevice } from '../../apps/simulator/src/device';
import { buildWorld, sessionBody, type World } from '../support/api';
import { startApp, type RunningApp } from '../support/app';
import { OwnedDatabase } from '../support/database';
import { expectStoredExactlyOnce } from '../support/fleet';
import { reportFigures } from '../support/reliability';

/**
 * Devices keep streaming while the service is killed, while PostgreSQL restarts and while their
 * connections drop at random. The devices are the simulator's (apps/simulator/src/device.ts): they
 * keep every reading until it is acknowledged and resend on reconnect, as the protocol expects.
 * Afterwards every reading a device saw acknowledged must be stored, and stored once.
 */
const DEVICES = 50;
const RATE_HZ = 4;
const DROP_SECONDS = Number(process.env.RESILIENCE_DROP_SECONDS ?? 60);

/** Devices bound to open sessions, each sending `RATE_HZ` valid readings a second until stopped. */
class Fleet {
  readonly devices: SimulatedDevice[];
  private timer: NodeJS.Timeout | null = null;
  private tick = 0;

  constructor(
    url: string,
    readonly world: { id: string; token: string }[],
  ) {
    this.devices = world.map(({ token }) => new SimulatedDevice(url, token, { trackAcknowledged: true, retryMs: 250 }));
  }

  async start(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.resumed()));
    this.timer = setInterval(() => {
      this.tick++;
      for (const device of this.devices)
        device.send({ hr: 60 + (this.tick % 40), spo2: 90 + (this.tick % 10), rr: 14, ...this.cuff() });
    }, 1000 / RATE_HZ);
  }

  private cuff() {
    return this.tick % 20 === 0 ? { sbp: 120 + (this.tick % 30), dbp: 70 + (this.tick % 15) } : {};
  }

  /** Stops sending and waits until every reading has been answered. */
  async finish(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.devices.map((device) => device.drained(90_000)));
  }

  close(): void {
    for (const device of this.devices) device.close();
  }

  total(key: 'sent' | 'acknowledged' | 'duplicates' | 'retried' | 'reconnects'): number {
    return this.devices.reduce((sum, device) => sum + device.stats[key], 0);
  }

  refused(): Record<string, number> {
    const all: Record<string, number> = {};
    for (const device of this.devices)
      for (const [code, n] of Object.entries(device.stats.refused)) all[code] = (all[code] ?? 0) + n;
    return all;
  }

  /** Every acknowledged reading is in the database once, and nothing else is. */
  async expectStoredExactlyOnce(databaseUrl: string): Promise<{ stored: number }> {
    return { stored: await expectStoredExactlyOnce(databaseUrl, this.world, this.devices) };
  }
}

describe('devices streaming through crashes, database restarts and dropped connections', () => {
  let database: OwnedDatabase;
  let app: RunningApp;
  let world: World;

  beforeAll(async () => {
    database = await OwnedDatabase.create();
    app = await startApp(database.url);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await database?.destroy();
  });

  /** A fresh site with `count` devices, each bound to an open session. */
  async function chairs(count: number) {
    world = await buildWorld(app.url, count);
    for (const device of world.a.devices)
      await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    return world.a.devices;
  }

  const summary = (fleet: Fleet, stored: number) =>
    `| readings sent | acknowledged | of them duplicates (resent after a lost ack) | transmissions retried | refused | reconnections | stored |\n` +
    `| ---: | ---: | ---: | ---: | --- | ---: | ---: |\n` +
    `| ${fleet.total('sent')} | ${fleet.total('acknowledged')} | ${fleet.total('duplicates')} | ${fleet.total('retried')} | ${JSON.stringify(fleet.refused())} | ${fleet.total('reconnects')} | ${stored} |`;

  it('loses and duplicates nothing when the service is killed with SIGKILL while 50 devices stream', async () => {
    const fleet = new Fleet(app.url, await chairs(DEVICES));
    await fleet.start();
    await new Promise((r) => setTimeout(r, 4_000));
    const beforeKill = fleet.total('acknowledged');
    const killedAt = Date.now();
    await app.kill();
    await new Promise((r) => setTimeout(r, 1_000)); // devices keep measuring while the service is down
    app = await startApp(database.url, { PORT: String(app.port) });
    await new Promise((r) => setTimeout(r, 4_000));
    const restartedAfterMs = Date.now() - killedAt;
    await fleet.finish();
    const { stored } = await fleet.expectStoredExactlyOnce(database.url);
    fleet.close();
    expect(fleet.total('acknowledged')).toBe(fleet.total('sent'));
    expect(fleet.refused()).toEqual({});
    expect(fleet.total('reconnects')).toBeGreaterThanOrEqual(DEVICES);
    expect(beforeKill).toBeGreaterThan(0);
    await reportFigures(
      'sigkill',
      `### SIGKILL under load\n\n${DEVICES} devices at ${RATE_HZ} readings/s each; the service killed with SIGKILL after 4 s and restarted on the same port (${Math.round(restartedAfterMs / 100) / 10} s to restart and run again for 4 s); the devices reconnect, get \`resume\` and resend what was not acknowledged.\n\n${summary(fleet, stored)}`,
    );
  }, 180_000);

  it('answers unavailable while PostgreSQL restarts mid-stream and recovers without a restart', async () => {
    const fleet = new Fleet(app.url, await chairs(DEVICES));
    const pid = app.child.pid;
    await fleet.start();
    await new Promise((r) => setTimeout(r, 3_000));
    const stoppedAt = Date.now();
    await database.stop();
    await new Promise((r) => setTimeout(r, 3_000));
    await database.start();
    const downMs = Date.now() - stoppedAt;
    await new Promise((r) => setTimeout(r, 4_000));
    await fleet.finish();
    const { stored } = await fleet.expectStoredExactlyOnce(database.url);
    fleet.close();
    expect(app.child.exitCode).toBeNull();
    expect(app.child.pid).toBe(pid);
    expect(fleet.total('retried')).toBeGreaterThan(0); // the outage was seen as `unavailable`
    expect(fleet.total('acknowledged')).toBe(fleet.total('sent'));
    expect(fleet.refused()).toEqual({});
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    await reportFigures(
      'database-restart',
      `### PostgreSQL restarted mid-stream\n\n${DEVICES} devices at ${RATE_HZ} readings/s each; the suite's own PostgreSQL stopped for ${Math.round(downMs / 100) / 10} s (stop, 3 s down, start) under the running service, which was not restarted. Readings in that window were answered \`unavailable\` and resent by the devices.\n\n${summary(fleet, stored)}`,
    );
  }, 180_000);

  it(
    `loses and duplicates nothing when device connections drop at random for ${DROP_SECONDS} s`,
    async () => {
      const fleet = new Fleet(app.url, await chairs(30));
      await fleet.start();
      let drops = 0;
      const chaos = setInterval(() => {
        const device = fleet.devices[Math.floor(Math.random() * fleet.devices.length)]!;
        if (device.connected) {
          device.dropConnection();
          drops++;
        }
      }, 100);
      await new Promise((r) => setTimeout(r, DROP_SECONDS * 1000));
      clearInterval(chaos);
      await fleet.finish();
      const { stored } = await fleet.expectStoredExactlyOnce(database.url);
      fleet.close();
      expect(drops).toBeGreaterThan(DROP_SECONDS * 5);
      expect(fleet.total('acknowledged')).toBe(fleet.total('sent'));
      expect(fleet.refused()).toEqual({});
      await reportFigures(
        'connection-drops',
        `### Connections dropped at random\n\n30 devices at ${RATE_HZ} readings/s each for ${DROP_SECONDS} s; every 100 ms one connected device lost its connection without a goodbye (${drops} drops in all) and reconnected on its own.\n\n${summary(fleet, stored)}`,
      );
    },
    (DROP_SECONDS + 120) * 1000,
  );
});
