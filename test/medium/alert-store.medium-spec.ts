import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AlertEvent, AlertSnapshot, EngineSnapshot } from '#vitals';
import type { DataSource } from 'typeorm';
import { alertUuid } from '../../apps/api/src/alerts/alert-id.js';
import { AlertStore } from '../../apps/api/src/alerts/alert-store.js';
import { AuditService } from '../../apps/api/src/audit/audit.service.js';
import { EngineLeases, LeaseLostError } from '../../apps/api/src/cluster/engine-leases.js';
import { type MediumDatabase, SYSTEM_CONTEXT, cloneDatabase, config, createSession, instance } from './support.js';

const T0 = Date.parse('2026-11-30T09:00:00.000Z');

function alert(overrides: Partial<AlertSnapshot> = {}): AlertSnapshot {
  return {
    id: `hr_rise:${T0}`,
    kind: 'hr_rise',
    severity: 'medium',
    state: 'active',
    openedAtMs: T0,
    lastChangedAtMs: T0,
    highSinceMs: null,
    baseline: null,
    trigger: { hr: 121, limit: 120 },
    upgradeTrigger: null,
    peak: { hr: 121 },
    acknowledgedBy: null,
    acknowledgedNote: null,
    acknowledgedAtMs: null,
    escalatedAtMs: null,
    remindedAtMs: null,
    reminders: 0,
    endedAtMs: null,
    durationMs: null,
    clearedAtMs: null,
    resolvedAtMs: null,
    message: 'Heart rate 121 bpm, above 120',
    ...overrides,
  };
}

/** The store treats an engine's state as opaque JSON: a marker is enough to tell two apart. */
const state = (marker: number): EngineSnapshot => ({ version: 1, marker }) as unknown as EngineSnapshot;

describe('AlertStore on PostgreSQL', () => {
  let db: MediumDatabase;
  let dataSource: DataSource;
  let leasesA: EngineLeases;
  let leasesB: EngineLeases;
  let storeA: AlertStore;
  let storeB: AlertStore;

  before(async () => {
    db = await cloneDatabase();
    dataSource = db.dataSource;
    const audit = new AuditService(dataSource);
    leasesA = new EngineLeases(dataSource, instance('instance-a'), config({ ENGINE_LEASE_MS: '60000' }));
    leasesB = new EngineLeases(dataSource, instance('instance-b'), config({ ENGINE_LEASE_MS: '60000' }));
    storeA = new AlertStore(dataSource, audit, leasesA);
    storeB = new AlertStore(dataSource, audit, leasesB);
  });
  after(() => db.close());

  const count = async (sql: string, params: unknown[]): Promise<number> =>
    Number(((await dataSource.query(sql, params)) as { n: string }[])[0]!.n);
  const transitions = (sessionId: string) =>
    count('SELECT count(*) AS n FROM alert_transitions WHERE session_id = $1', [sessionId]);
  const savedState = async (sessionId: string) =>
    (
      (await dataSource.query(
        `SELECT state->>'marker' AS marker, epoch::int AS epoch FROM session_engine_states WHERE session_id = $1`,
        [sessionId],
      )) as { marker: string; epoch: number | null }[]
    )[0] ?? null;
  /** A session whose engine instance A runs, and instance B has taken over: A's epoch is stale. */
  const takenOver = async () => {
    const session = await createSession(dataSource);
    const stale = (await leasesA.acquire(session.sessionId))!;
    await dataSource.query(`UPDATE engine_leases SET expires_at = now() - interval '1 second' WHERE session_id = $1`, [
      session.sessionId,
    ]);
    const current = (await leasesB.acquire(session.sessionId))!;
    return { ...session, stale, current };
  };

  it('save: stores each alert as it now stands, each transition once, and the state with its epoch', async () => {
    const { sessionId, siteId } = await createSession(dataSource);
    const epoch = (await leasesA.acquire(sessionId))!;
    const opened = alert();
    const acknowledged = alert({
      state: 'acknowledged',
      lastChangedAtMs: T0 + 30_000,
      acknowledgedBy: null,
      acknowledgedAtMs: T0 + 30_000,
      acknowledgedNote: 'repositioned cuff',
    });
    const events: AlertEvent[] = [
      { type: 'opened', atMs: T0, alert: opened },
      { type: 'acknowledged', atMs: T0 + 30_000, alert: acknowledged },
    ];

    const rows = await storeA.save(sessionId, siteId, epoch, events, state(1));

    const id = alertUuid(sessionId, opened.id);
    assert.deepEqual(
      rows.map((r) => [r.id, r.state]),
      [
        [id, 'acknowledged'],
        [id, 'acknowledged'],
      ],
    );
    const stored = await storeA.forSession(sessionId);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.state, 'acknowledged');
    assert.equal(stored[0]!.acknowledgementNote, 'repositioned cuff');
    assert.equal(stored[0]!.siteId, siteId);
    assert.equal(await transitions(sessionId), 2);
    assert.deepEqual(await savedState(sessionId), { marker: '1', epoch });

    // Saved again (a retry after an unknown outcome, a rebuild replaying readings): nothing twice.
    await storeA.save(sessionId, siteId, epoch, events, state(2));
    assert.equal(await transitions(sessionId), 2);
    assert.equal((await storeA.forSession(sessionId)).length, 1);
    assert.deepEqual(await savedState(sessionId), { marker: '2', epoch });
    assert.deepEqual(
      (await storeA.openFor([sessionId])).map((r) => r.id),
      [id],
    );
  });

  it('save: under a stale epoch, LeaseLostError and nothing written (alerts, transitions, state, audit)', async () => {
    const { sessionId, siteId, stale, current } = await takenOver();
    const auditBefore = await count('SELECT count(*) AS n FROM audit_events', []);

    await assert.rejects(
      storeA.save(sessionId, siteId, stale, [{ type: 'opened', atMs: T0, alert: alert() }], state(1), {
        context: SYSTEM_CONTEXT,
        entry: { action: 'alert.acknowledge', entityType: 'session', entityId: sessionId },
      }),
      (error: unknown) => error instanceof LeaseLostError && error.sessionId === sessionId,
    );
    assert.equal((await storeA.forSession(sessionId)).length, 0);
    assert.equal(await transitions(sessionId), 0);
    assert.equal(await savedState(sessionId), null);
    assert.equal(await count('SELECT count(*) AS n FROM audit_events', []), auditBefore);

    // The new owner writes under its epoch, with the audit event in the same transaction.
    await storeB.save(sessionId, siteId, current, [{ type: 'opened', atMs: T0, alert: alert() }], state(3), {
      context: SYSTEM_CONTEXT,
      entry: { action: 'alert.acknowledge', entityType: 'session', entityId: sessionId },
    });
    assert.equal(await transitions(sessionId), 1);
    assert.deepEqual(await savedState(sessionId), { marker: '3', epoch: current });
    assert.equal(
      await count(`SELECT count(*) AS n FROM audit_events WHERE entity_id = $1 AND action = 'alert.acknowledge'`, [
        sessionId,
      ]),
      1,
    );
  });

  it('save: without an epoch (a single instance) no lease is needed', async () => {
    const { sessionId, siteId } = await createSession(dataSource);
    await storeA.save(sessionId, siteId, null, [{ type: 'opened', atMs: T0, alert: alert() }], state(4));
    assert.equal(await transitions(sessionId), 1);
    assert.deepEqual(await savedState(sessionId), { marker: '4', epoch: null });
    assert.deepEqual(await storeA.loadState(sessionId), { version: 1, marker: 4 });
  });

  it('saveStateBatched: written with its epoch while the lease is held, refused under a stale one', async () => {
    const { sessionId, stale, current } = await takenOver();
    const held = await createSession(dataSource);
    const heldEpoch = (await leasesA.acquire(held.sessionId))!;
    const single = await createSession(dataSource);

    // Saved at about the same moment: one statement, each state answered on its own.
    const results = await Promise.allSettled([
      storeA.saveStateBatched(sessionId, state(5), stale),
      storeA.saveStateBatched(held.sessionId, state(6), heldEpoch),
      storeA.saveStateBatched(single.sessionId, state(7), null),
    ]);
    assert.equal(results[0].status, 'rejected');
    assert.ok((results[0] as PromiseRejectedResult).reason instanceof LeaseLostError);
    assert.deepEqual(
      results.slice(1).map((r) => r.status),
      ['fulfilled', 'fulfilled'],
    );
    assert.equal(await savedState(sessionId), null);
    assert.deepEqual(await savedState(held.sessionId), { marker: '6', epoch: heldEpoch });
    assert.deepEqual(await savedState(single.sessionId), { marker: '7', epoch: null });

    await storeB.saveStateBatched(sessionId, state(8), current);
    assert.deepEqual(await savedState(sessionId), { marker: '8', epoch: current });
    await assert.rejects(storeA.saveStateBatched(sessionId, state(9), stale), LeaseLostError);
    assert.deepEqual(await savedState(sessionId), { marker: '8', epoch: current });
  });
});
