import type { Reading } from '../../libs/contracts/src/index';
import { connectDevice, sessionBody, unique, type DeviceClient, type SiteWorld, type World } from '../support/api';

/** A chair's monitor sending readings stamped with the current time; `seq` continues per device. */
export class LiveMonitor {
  private seq = 0;
  constructor(readonly client: DeviceClient) {}

  static async connect(baseUrl: string, token: string): Promise<LiveMonitor> {
    const client = await connectDevice(baseUrl, token);
    const { lastSeq } = await client.resume;
    const monitor = new LiveMonitor(client);
    monitor.seq = lastSeq ?? 0;
    return monitor;
  }

  /**
   * A chair as a nurse sets one up: a new device of `site` (world.a unless told), a session opened on it
   * by the site's nurse (sessionBody with `extra`), and its monitor connected.
   */
  static async atChair(
    world: World,
    baseUrl: string,
    options: {
      site?: Pick<SiteWorld, 'siteId' | 'nurse'>;
      deviceName?: string;
      extra?: object;
      /** The session's protocol (default: the seeded IV protocol). */
      protocolId?: string;
    } = {},
  ) {
    const { siteId, nurse } = options.site ?? world.a;
    const device = await world.admin.ok('/devices', { siteId, name: options.deviceName ?? unique('monitor') });
    const protocolId = options.protocolId ?? world.protocolId;
    const session = await nurse.ok('/sessions', sessionBody(siteId, device.id, protocolId, options.extra));
    const monitor = await LiveMonitor.connect(baseUrl, device.token);
    return { device, session, monitor };
  }

  /** `count` readings one second apart, ending now. */
  async stream(count: number, values: (i: number) => Partial<Reading>): Promise<void> {
    const now = Date.now();
    const batch = Array.from({ length: count }, (_, i) => ({
      seq: ++this.seq,
      recordedAt: new Date(now - (count - 1 - i) * 1000).toISOString(),
      ...values(i),
    }));
    const ack = await this.client.sendBatch(batch);
    if (!ack.ok || !ack.results.every((r) => r.ok)) throw new Error(`not stored: ${JSON.stringify(ack)}`);
  }

  cuff(sbp: number, dbp: number, hr = 72): Promise<void> {
    return this.stream(1, () => ({ sbp, dbp, hr, spo2: 98 }));
  }

  /** 61 s of HR and SpO2 with two cuff readings: enough for the pre-dose gates. */
  baseline(sbp = 120, dbp = 80, hr = 72): Promise<void> {
    return this.stream(61, (i) => ({ hr: hr + (i % 5) - 2, spo2: 98, ...(i % 30 === 0 ? { sbp, dbp } : {}) }));
  }

  close(): void {
    this.client.close();
  }
}
