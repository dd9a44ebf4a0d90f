import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { EngineLeases, LeaseLostError } from '../../apps/api/src/cluster/engine-leases.js';
import { ClusterSignals } from '../../apps/api/src/cluster/cluster-signals.js';
import { type MediumDatabase, cloneDatabase, config, createSession, instance } from './support.js';

describe('EngineLeases on PostgreSQL', () => {
  let db: MediumDatabase;
  let dataSource: DataSource;
  let a: EngineLeases;
  let b: EngineLeases;

  before(async () => {
    db = await cloneDatabase();
    dataSource = db.dataSource;
    a = new EngineLeases(dataSource, instance('instance-a'), config({ ENGINE_LEASE_MS: '60000' }));
    b = new EngineLeases(dataSource, instance('instance-b'), config({ ENGINE_LEASE_MS: '60000' }));
  });
  after(() => db.close());

  /** Lets the session's lease run out now, as if its owner had stopped renewing a lease period ago. */
  const lapse = (sessionId: string) =>
    dataSource.query(`UPDATE engine_leases SET expires_at = now() - interval '1 second' WHERE session_id = $1`, [
      sessionId,
    ]);
  const lease = async (sessionId: string) =>
    (
      (await dataSource.query(
        'SELECT owner, epoch::int AS epoch, expires_at > now() AS live FROM engine_leases WHERE session_id = $1',
        [sessionId],
      )) as { owner: string; epoch: number; live: boolean }[]
    )[0] ?? null;

  it('is enabled and named after its instance only with Redis', () => {
    assert.equal(a.enabled, true);
    assert.equal(a.owner, 'instance-a');
    const single = new EngineLeases(dataSource, new ClusterSignals(null), config());
    assert.equal(single.enabled, false);
    assert.equal(single.owner, 'single');
    assert.equal(single.leaseMs, 5_000);
  });

  it('acquire: a free lease at epoch 1, its own again at epoch + 1, another live owner’s not at all', async () => {
    const { sessionId } = await createSession(dataSource);
    assert.equal(await a.acquire(sessionId), 1);
    assert.deepEqual(await lease(sessionId), { owner: 'instance-a', epoch: 1, live: true });
    assert.equal(await a.acquire(sessionId), 2);
    assert.equal(await b.acquire(sessionId), null);
    assert.deepEqual(await lease(sessionId), { owner: 'instance-a', epoch: 2, live: true });
    assert.equal(await b.holder(sessionId), 'instance-a');
  });

  it('acquire: a lapsed lease is taken over with a newer epoch', async () => {
    const { sessionId } = await createSession(dataSource);
    assert.equal(await a.acquire(sessionId), 1);
    await lapse(sessionId);
    assert.equal(await a.holder(sessionId), null);
    assert.equal(await b.acquire(sessionId), 2);
    assert.deepEqual(await lease(sessionId), { owner: 'instance-b', epoch: 2, live: true });
    assert.equal(await a.acquire(sessionId), null);
  });

  it('renew: keeps the leases still held under their epochs and answers each with its session’s phase', async () => {
    const infusing = await createSession(dataSource, { phase: 'infusing' });
    const recovery = await createSession(dataSource, { phase: 'recovery' });
    const taken = await createSession(dataSource, { phase: 'baseline' });
    const held = new Map<string, number>();
    for (const { sessionId } of [infusing, recovery, taken]) held.set(sessionId, (await a.acquire(sessionId))!);
    await dataSource.query(`UPDATE engine_leases SET expires_at = now() + interval '1 second'`);
    await lapse(taken.sessionId);
    assert.equal(await b.acquire(taken.sessionId), 2);

    const kept = await a.renew(held);

    // A bare `UPDATE … RETURNING` through TypeORM answers [rows, rowCount]: every lease would look lost.
    assert.deepEqual(
      kept,
      new Map([
        [infusing.sessionId, 'infusing'],
        [recovery.sessionId, 'recovery'],
      ]),
    );
    for (const { sessionId } of [infusing, recovery]) {
      const [row] = (await dataSource.query(
        `SELECT expires_at > now() + interval '30 seconds' AS extended FROM engine_leases WHERE session_id = $1`,
        [sessionId],
      )) as { extended: boolean }[];
      assert.equal(row!.extended, true, 'renewed for a whole lease');
    }
    assert.deepEqual(await lease(taken.sessionId), { owner: 'instance-b', epoch: 2, live: true });
    assert.deepEqual(await a.renew(new Map()), new Map());
  });

  it('renew: a lease held under an older epoch is not kept, even by its owner', async () => {
    const { sessionId } = await createSession(dataSource);
    const first = (await a.acquire(sessionId))!;
    assert.equal(await a.acquire(sessionId), first + 1);
    assert.deepEqual(await a.renew(new Map([[sessionId, first]])), new Map());
  });

  it('release: lets the lease go at once, only under its own epoch', async () => {
    const { sessionId } = await createSession(dataSource);
    const epoch = (await a.acquire(sessionId))!;
    await b.release(new Map([[sessionId, epoch]]));
    await a.release(new Map([[sessionId, epoch + 1]]));
    assert.equal(await b.holder(sessionId), 'instance-a', 'neither another owner nor another epoch releases it');
    await a.release(new Map([[sessionId, epoch]]));
    assert.equal(await b.holder(sessionId), null);
    assert.equal(await b.acquire(sessionId), epoch + 1);
  });

  it('orphans: open sessions with a lapsed lease, or none for longer than a lease', async () => {
    const lapsed = await createSession(dataSource, { phase: 'infusing' });
    await a.acquire(lapsed.sessionId);
    await lapse(lapsed.sessionId);
    const live = await createSession(dataSource, { phase: 'recovery', ageMs: 3_600_000 });
    await a.acquire(live.sessionId);
    const unleasedOld = await createSession(dataSource, { phase: 'baseline', ageMs: 61_000 });
    const unleasedNew = await createSession(dataSource, { phase: 'baseline', ageMs: 1_000 });
    const closed = await createSession(dataSource, { phase: 'discharged', ageMs: 3_600_000 });
    await a.acquire(closed.sessionId);
    await lapse(closed.sessionId);
    const aborted = await createSession(dataSource, { phase: 'aborted', ageMs: 3_600_000 });

    const orphans = new Set(await b.orphans());
    assert.equal(orphans.has(lapsed.sessionId), true, 'lapsed lease');
    assert.equal(orphans.has(unleasedOld.sessionId), true, 'no lease for longer than a lease');
    assert.equal(orphans.has(live.sessionId), false, 'live lease');
    assert.equal(orphans.has(unleasedNew.sessionId), false, 'left to the instance that opened it');
    assert.equal(orphans.has(closed.sessionId), false, 'closed session');
    assert.equal(orphans.has(aborted.sessionId), false, 'closed session without a lease');
  });

  it('fence: passes under the current epoch, LeaseLostError under an older one or another owner', async () => {
    const { sessionId } = await createSession(dataSource);
    const epoch = (await a.acquire(sessionId))!;
    await dataSource.transaction((manager) => a.fence(manager, sessionId, epoch));
    await dataSource.transaction((manager) => a.fence(manager, sessionId, null));
    await assert.rejects(
      dataSource.transaction((manager) => b.fence(manager, sessionId, epoch)),
      (error: unknown) => error instanceof LeaseLostError && error.sessionId === sessionId,
    );
    await lapse(sessionId);
    assert.equal(await b.acquire(sessionId), epoch + 1);
    await assert.rejects(
      dataSource.transaction((manager) => a.fence(manager, sessionId, epoch)),
      LeaseLostError,
    );
    await dataSource.transaction((manager) => b.fence(manager, sessionId, epoch + 1));
  });

  it('fence: holds the lease until its transaction ends, so no takeover commits in between', async () => {
    const { sessionId } = await createSession(dataSource);
    const epoch = (await a.acquire(sessionId))!;
    await lapse(sessionId);
    let takeover: Promise<number | null> | null = null;
    await dataSource.transaction(async (manager) => {
      await a.fence(manager, sessionId, epoch);
      takeover = b.acquire(sessionId);
      const waited = await Promise.race([
        takeover.then(() => 'taken'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 300)),
      ]);
      assert.equal(waited, 'waiting');
    });
    assert.equal(await takeover, epoch + 1);
  });
});
