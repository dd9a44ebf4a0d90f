import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { AuditTrail } from '../../apps/api/src/audit/audit-trail.js';
import { AuditService } from '../../apps/api/src/audit/audit.service.js';
import { type MediumDatabase, SYSTEM_CONTEXT, cloneDatabase } from './support.js';

interface Row {
  seq: string;
  action: string;
  entity_id: string | null;
  prev_hash: string;
  hash: string;
  expected: string;
  before: object | null;
  after: object | null;
  details: object | null;
  source_ip: string | null;
  correlation_id: string | null;
  actor_name: string | null;
}

describe('AuditService on PostgreSQL', () => {
  let db: MediumDatabase;
  let dataSource: DataSource;
  let audit: AuditService;
  let trail: AuditTrail;

  before(async () => {
    db = await cloneDatabase();
    dataSource = db.dataSource;
    audit = new AuditService(dataSource);
    trail = new AuditTrail(dataSource);
  });
  after(() => db.close());

  const events = (): Promise<Row[]> =>
    dataSource.query(
      `SELECT seq::text, action, entity_id, prev_hash, hash, audit_event_hash(e) AS expected, before, after, details,
              source_ip, correlation_id, actor_name
         FROM audit_events e ORDER BY seq`,
    );

  it('records events in a hash chain: each names the hash of the one before, in order', async () => {
    await audit.recordAlone(SYSTEM_CONTEXT, { action: 'auth.login', entityType: 'user', entityId: 'u1' });
    await audit.transaction(SYSTEM_CONTEXT, () =>
      Promise.resolve({
        result: null,
        audit: [
          { action: 'site.create', entityType: 'site', entityId: 's1', after: { name: 'North', at: new Date(0) } },
          { action: 'site.update', entityType: 'site', entityId: 's1', before: { name: 'North' }, after: {} },
        ],
      }),
    );
    const rows = await events();
    assert.deepEqual(
      rows.map((r) => [r.seq, r.action]),
      [
        ['1', 'auth.login'],
        ['2', 'site.create'],
        ['3', 'site.update'],
      ],
    );
    assert.equal(rows[0]!.prev_hash, '0'.repeat(64));
    for (const [i, row] of rows.entries()) {
      assert.match(row.hash, /^[0-9a-f]{64}$/);
      assert.equal(row.hash, row.expected);
      if (i > 0) assert.equal(row.prev_hash, rows[i - 1]!.hash);
    }
    // As it will be read back: a Date as its ISO string, and the context of the request.
    assert.deepEqual(rows[1]!.after, { name: 'North', at: '1970-01-01T00:00:00.000Z' });
    assert.equal(rows[1]!.before, null);
    assert.equal(rows[0]!.source_ip, '127.0.0.1');
    assert.equal(rows[0]!.correlation_id, 'medium-test');
    assert.equal(rows[0]!.actor_name, 'medium-test');
    assert.deepEqual(await trail.verify(), { ok: true, checked: 3 });
  });

  it('no change without its event, no event without its change: one transaction', async () => {
    const before = (await events()).length;
    const siteNamed = async (name: string) =>
      ((await dataSource.query('SELECT id FROM sites WHERE name = $1', [name])) as unknown[]).length;

    const id = await audit.transaction(SYSTEM_CONTEXT, async (manager) => {
      const [site] = (await manager.query(`INSERT INTO sites (name) VALUES ('Kept') RETURNING id`)) as { id: string }[];
      return { result: site!.id, audit: { action: 'site.create', entityType: 'site', entityId: site!.id } };
    });
    assert.equal(await siteNamed('Kept'), 1);
    assert.equal((await events()).at(-1)!.entity_id, id);

    // An event the database refuses (no action) undoes the change it describes.
    await assert.rejects(
      audit.transaction(SYSTEM_CONTEXT, async (manager) => {
        await manager.query(`INSERT INTO sites (name) VALUES ('Not kept')`);
        return { result: null, audit: { action: null as unknown as string } };
      }),
    );
    assert.equal(await siteNamed('Not kept'), 0);

    // A change that fails takes its event with it.
    await assert.rejects(
      audit.transaction(SYSTEM_CONTEXT, async (manager) => {
        await audit.record(manager, SYSTEM_CONTEXT, { action: 'site.delete', entityType: 'site', entityId: id });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    const rows = await events();
    assert.equal(rows.length, before + 1);
    // The chain has no gap where the refused events would have been.
    assert.deepEqual(await trail.verify(), { ok: true, checked: rows.length });
  });

  it('the trail is append-only: no UPDATE, DELETE or TRUNCATE, and the chain head cannot be removed', async () => {
    for (const sql of [
      `UPDATE audit_events SET action = 'forged' WHERE seq = 1`,
      `DELETE FROM audit_events WHERE seq = 1`,
      `TRUNCATE audit_events`,
      `DELETE FROM audit_chain_head`,
    ]) {
      await assert.rejects(dataSource.query(sql), /append-only/, sql);
    }
  });

  it('verify names the first event that does not hold when the table was rewritten behind the triggers', async () => {
    const rows = await events();
    await dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await manager.query(`UPDATE audit_events SET details = '{"forged":true}' WHERE seq = 2`);
      await manager.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    const result = await trail.verify();
    assert.equal(result.ok, false);
    assert.equal(result.firstBrokenSeq, '2');
    assert.equal(result.checked, 1);
    assert.equal(result.problem, 'its content does not match its hash');
    assert.ok(rows.length >= 2);
  });
});
