import type { SimulatedDevice } from '../../apps/simulator/src/device';
import { query } from './database';

/**
 * Every reading each simulated device saw acknowledged is in the database once, and nothing else is
 * (`devices[i]` streams as `world[i]`). Returns how many readings are stored.
 */
export async function expectStoredExactlyOnce(
  databaseUrl: string,
  world: readonly { id: string }[],
  devices: readonly SimulatedDevice[],
): Promise<number> {
  const rows = await query<{ device_id: string; seqs: string[]; rows: number }>(
    databaseUrl,
    `SELECT device_id, array_agg(seq::text) AS seqs, count(*)::int AS rows
       FROM readings WHERE device_id = ANY($1) GROUP BY device_id`,
    [world.map((d) => d.id)],
  );
  const byDevice = new Map(rows.map((r) => [r.device_id, r]));
  let stored = 0;
  world.forEach(({ id }, i) => {
    const device = devices[i]!;
    const row = byDevice.get(id);
    const seqs = new Set((row?.seqs ?? []).map(Number));
    expect(row?.rows ?? 0).toBe(seqs.size); // no seq stored twice
    expect(seqs.size).toBe(device.acknowledgedSeqs.size); // nothing stored that was not acknowledged
    for (const seq of device.acknowledgedSeqs) if (!seqs.has(seq)) throw new Error(`seq ${seq} of ${id} lost`);
    stored += seqs.size;
  });
  return stored;
}
