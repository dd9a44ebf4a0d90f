import type { BatchAck } from '#contracts';
import type { RunningApp } from '../support/app';
import { connectDevice, reading, sessionBody, type DeviceClient, type World } from '../support/api';
import { query } from '../support/database';
import { useApp } from '../support/harness';

/**
 * A burst (every monitor of a clinic resending its backlog at once) is bounded: beyond
 * INGEST_MAX_IN_FLIGHT readings received and not yet acknowledged, the service refuses more with
 * `unavailable` before doing any work, whole batches at a time, and loses nothing it acknowledged.
 * The writer holds each batch for 300 ms here, so batches sent together are in flight together.
 */
describe('ingest backpressure (INGEST_MAX_IN_FLIGHT)', () => {
  const LIMIT = 60;
  const BATCH = 50;
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;
  let devices: { id: string; client: DeviceClient }[];

  useApp(
    { world: 4, env: { INGEST_MAX_IN_FLIGHT: String(LIMIT), INGEST_FLUSH_MS: '300' } },
    (started) => ({ db, app, world } = started),
  );

  beforeAll(async () => {
    devices = [];
    for (const device of world.a.devices) {
      await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
      const client = await connectDevice(app.url, device.token);
      await client.resume;
      devices.push({ id: device.id, client });
    }
  });
  afterAll(() => devices.forEach(({ client }) => client.close()));

  const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => reading(from + i));
  const storedSeqs = async (deviceId: string) =>
    (
      await query<{ seq: string }>(db.url, 'SELECT seq FROM readings WHERE device_id = $1 ORDER BY seq', [deviceId])
    ).map((row) => Number(row.seq));
  const metric = async (series: string) => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  it('refuses whole batches beyond the limit as `unavailable`, stores none of them, and takes them when resent', async () => {
    const refusedBefore = (await metric('im_reading_acks_total{outcome="unavailable"}')) ?? 0;
    const acks = await Promise.all(devices.map(({ client }) => client.sendBatch(batch(1, BATCH))));

    const admitted = acks.filter((ack) => ack.ok && ack.results.every((r) => r.ok));
    const refused = acks.filter(
      (ack) => ack.ok && ack.results.every((r) => !r.ok && r.error.code === 'unavailable'),
    ) as Extract<BatchAck, { ok: true }>[];
    // 50 in flight leave room for 10 more: one batch goes in, the three others are refused whole.
    expect(admitted).toHaveLength(1);
    expect(refused).toHaveLength(devices.length - 1);
    for (const ack of refused) {
      expect(ack.results.map((r) => r.seq)).toEqual(batch(1, BATCH).map((r) => r.seq));
      expect(ack.results[0]).toMatchObject({
        ok: false,
        error: { code: 'unavailable', message: expect.stringMatching(/waiting to be stored.*Resend later/) },
      });
    }
    const stored = await Promise.all(devices.map(({ id }) => storedSeqs(id)));
    expect(stored.filter((seqs) => seqs.length === BATCH)).toHaveLength(1);
    expect(stored.filter((seqs) => seqs.length === 0)).toHaveLength(devices.length - 1);
    expect(await metric('im_reading_acks_total{outcome="unavailable"}')).toBe(refusedBefore + 3 * BATCH);

    // Resent one after another, as a monitor resends after `unavailable`, each is stored exactly once.
    for (const [i, { client }] of devices.entries()) {
      const ack = await client.sendBatch(batch(1, BATCH));
      expect(ack.ok).toBe(true);
      const duplicate = acks[i] === admitted[0];
      if (ack.ok) for (const result of ack.results) expect(result).toMatchObject({ ok: true, duplicate });
    }
    for (const { id } of devices) expect(await storedSeqs(id)).toEqual(batch(1, BATCH).map((r) => r.seq));
    expect(await metric('im_ingest_in_flight')).toBe(0);
  });

  it('admits a batch larger than the limit when nothing else is in flight', async () => {
    const { id, client } = devices[0]!;
    const ack = await client.sendBatch(batch(BATCH + 1, 2 * LIMIT));
    expect(ack.ok && ack.results.every((r) => r.ok && !r.duplicate)).toBe(true);
    expect(await storedSeqs(id)).toHaveLength(BATCH + 2 * LIMIT);
  });

  it('answers each refused reading with its own seq, looking at nothing else', async () => {
    const [first, second] = devices;
    const full = first!.client.sendBatch(batch(BATCH + 2 * LIMIT + 1, BATCH));
    // The first batch is being written (for 300 ms) when the second arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const alongside = await second!.client.sendBatch([
      ...batch(BATCH + 1, LIMIT - 2),
      { seq: 2000, recordedAt: 'yesterday', hr: 70 },
      { recordedAt: 'whenever' },
    ]);
    const written = await full;
    expect(written.ok && written.results.every((r) => r.ok)).toBe(true);
    expect(alongside.ok).toBe(true);
    if (alongside.ok) {
      expect(alongside.results.every((r) => !r.ok && r.error.code === 'unavailable')).toBe(true);
      expect(alongside.results.map((r) => r.seq)).toEqual([
        ...batch(BATCH + 1, LIMIT - 2).map((r) => r.seq),
        2000,
        null,
      ]);
    }
    expect(await storedSeqs(second!.id)).toEqual(batch(1, BATCH).map((r) => r.seq));
  });
});
