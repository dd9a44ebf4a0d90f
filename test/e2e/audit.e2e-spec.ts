import { ADMIN, type RunningApp } from '../support/app';
import { Api, connectWard, eventually, sessionBody, streamBaseline, type World } from '../support/api';
import type { Response } from '../support/api';
import { query } from '../support/database';
import { useApp } from '../support/harness';

interface AuditPage {
  items: AuditItem[];
  nextCursor: string | null;
}

interface AuditItem {
  id: string;
  seq: string;
  action: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  role: string | null;
  entityType: string | null;
  entityId: string | null;
  siteId: string | null;
  sourceIp: string | null;
  correlationId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

describe('audit trail', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;

  useApp({ world: 1 }, (started) => ({ db, app, world } = started));

  async function events(filter: string): Promise<AuditItem[]> {
    const all: AuditItem[] = [];
    let cursor: string | null = null;
    do {
      const page: Response<AuditPage> = await world.admin.get(
        `/audit?limit=1000&${filter}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return all;
  }

  it('records every audited action once, with its actor, role, site, source and request id', async () => {
    const { nurse, clinician, siteId, devices } = world.a;
    const me = (await nurse.get('/auth/me')).body;
    const session = await nurse.ok('/sessions', sessionBody(siteId, devices[0]!.id, world.protocolId));
    const monitor = await streamBaseline(app.url, devices[0]!.token, { sbp: 150, dbp: 95 });
    await nurse.get(`/sessions/${session.id}`);
    await nurse.get(`/sessions/${session.id}/readings`);
    await nurse.get(`/sessions/${session.id}/alerts`);
    expect((await nurse.post(`/sessions/${session.id}/infusion-start`, {})).status).toBe(422);
    await clinician.ok(`/sessions/${session.id}/infusion-start`, { overrideReason: 'manual recheck 136/86' });
    expect(
      await monitor.send({ seq: 100, recordedAt: new Date().toISOString(), sbp: 192, dbp: 101, hr: 80 }),
    ).toMatchObject({
      ok: true,
    });
    let alertId = '';
    let alertReads = 1;
    await eventually(async () => {
      alertReads++;
      const alerts = (await nurse.get(`/sessions/${session.id}/alerts`)).body as { id: string; kind: string }[];
      alertId = alerts.find((a) => a.kind === 'bp_rise')!.id;
    });
    await nurse.ok(`/alerts/${alertId}/acknowledge`, { note: 'manual 150/90' });
    const ward = await connectWard(nurse);
    await ward.snapshot;
    ward.close();
    await nurse.ok(`/sessions/${session.id}/abort`, { reason: 'patient request' });
    monitor.close();

    const about = await events(`entityType=session&entityId=${session.id}`);
    const count = (action: string) => about.filter((e) => e.action === action).length;
    expect(count('session.create')).toBe(1);
    expect(count('session.read')).toBe(1);
    expect(count('readings.read')).toBe(1);
    expect(count('alerts.read')).toBe(alertReads);
    expect(count('session.infusion_start')).toBe(1);
    expect(count('session.gate_override')).toBe(1);
    expect(count('session.abort')).toBe(1);
    await eventually(async () => expect((await events(`action=ingest.summary&entityId=${session.id}`)).length).toBe(1));
    const summary = (await events(`action=ingest.summary&entityId=${session.id}`))[0]!;
    expect(summary.details).toMatchObject({ readings: 62, firstSeq: '1', lastSeq: '100' });

    const created = about.find((e) => e.action === 'session.create')!;
    expect(created).toMatchObject({
      actorType: 'user',
      actorId: me.id,
      role: 'nurse',
      siteId,
      sourceIp: expect.any(String),
    });
    expect(created.correlationId).toEqual(expect.any(String));
    expect(created.after).toMatchObject({ id: session.id, phase: 'baseline' });
    const override = about.find((e) => e.action === 'session.gate_override')!;
    expect(override).toMatchObject({
      role: 'clinician',
      details: { blockers: ['predose_bp_high'], reason: 'manual recheck 136/86' },
    });
    const aborted = about.find((e) => e.action === 'session.abort')!;
    expect(aborted.before).toMatchObject({ phase: 'infusing' });
    expect(aborted.after).toMatchObject({ phase: 'aborted', abortReason: 'patient request' });

    const acks = await events(`action=alert.acknowledge&entityId=${alertId}`);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({
      actorId: me.id,
      siteId,
      before: { state: 'active' },
      after: { state: 'acknowledged', note: 'manual 150/90' },
    });
    const snapshots = await events(`action=ward.snapshot&actor=${me.id}`);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.details).toMatchObject({ sessionIds: expect.arrayContaining([session.id]) });
    const connects = (await events(`action=device.*&entityId=${devices[0]!.id}`)).filter(
      (e) => e.actorType === 'device',
    );
    expect(connects.map((e) => e.action).sort()).toEqual(['device.connect', 'device.disconnect']);
    expect(connects[0]).toMatchObject({ actorType: 'device', actorId: devices[0]!.id, siteId });
  });

  it('records logins, failed logins, administration and acknowledgements with before and after', async () => {
    const api = new Api(app.url);
    expect((await api.post('/auth/login', { username: 'admin', password: 'not-the-password' })).status).toBe(401);
    await api.login(ADMIN.username, ADMIN.password);
    const failed = await events('action=auth.login_failed');
    expect(failed.filter((e) => e.actorName === 'admin')).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actorType: 'anonymous', details: { reason: 'wrong_password' } });
    const adminLogins = (await events('action=auth.login')).filter((e) => e.actorName === 'admin');
    expect(adminLogins.length).toBeGreaterThanOrEqual(2);

    const device = await world.admin.ok('/devices', { siteId: world.b.siteId, name: 'audited monitor' });
    await world.admin.post(`/devices/${device.id}/revoke`);
    const deviceEvents = await events(`entityType=device&entityId=${device.id}`);
    expect(deviceEvents.map((e) => e.action).sort()).toEqual(['device.create', 'device.revoke']);
    const revoke = deviceEvents.find((e) => e.action === 'device.revoke')!;
    expect(revoke).toMatchObject({
      siteId: world.b.siteId,
      before: { revokedAt: null },
      after: { revokedAt: expect.any(String) },
    });
    expect(JSON.stringify(deviceEvents)).not.toContain(device.token);

    // A user of its own: a new password ends every token the user holds, and the other tests' staff keep theirs.
    const target = (
      await world.admin.post('/users', {
        username: 'audited.nurse',
        displayName: 'Audited Nurse',
        role: 'nurse',
        password: 'first-Quartz-meadow-71',
        siteIds: [world.a.siteId],
      })
    ).body as { id: string };
    const reset = await world.admin.patch(`/users/${target.id}`, {
      displayName: 'Renamed Nurse',
      password: 'a-new-Harbour-lantern-93',
    });
    expect(reset.status).toBe(200);
    const update = (await events(`action=user.update&entityId=${target.id}`))[0]!;
    expect(update.before).toMatchObject({ displayName: expect.not.stringContaining('Renamed') });
    expect(update.after).toMatchObject({ displayName: 'Renamed Nurse' });
    expect(update.details).toEqual({ passwordChanged: true });
    expect(JSON.stringify(update)).not.toMatch(/a-new-Harbour-lantern-93|argon2/);
  });

  it('audits the admin\u2019s own reads of the audit trail and keeps it from everyone else', async () => {
    const before = (await events('action=audit.read')).length;
    await world.admin.get('/audit?limit=1');
    const after = (await events('action=audit.read')).length;
    expect(after).toBe(before + 2); // the read above, and the first page of this count
    for (const staff of [world.a.nurse, world.a.clinician]) {
      expect((await staff.get('/audit')).status).toBe(403);
      expect((await staff.get('/audit/export')).status).toBe(403);
      expect((await staff.get('/audit/verify')).status).toBe(403);
    }
    expect((await world.admin.get('/audit?cursor=abc')).status).toBe(400);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself, and verify finds tampering', async () => {
    const intact = await world.admin.get('/audit/verify');
    expect(intact.body).toMatchObject({ ok: true, checked: expect.any(Number) });
    for (const sql of ["UPDATE audit_events SET action = 'x'", 'DELETE FROM audit_events', 'TRUNCATE audit_events']) {
      await expect(query(db.url, sql)).rejects.toThrow(/append-only/);
    }
    const [victim] = await query<{ seq: string; id: string }>(
      db.url,
      "SELECT seq::text, id FROM audit_events WHERE action = 'session.create' LIMIT 1",
    );
    // A superuser can switch the guard off; the chain still gives the change away.
    await query(
      db.url,
      `BEGIN; ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
       UPDATE audit_events SET actor_name = 'someone else' WHERE seq = ${victim!.seq};
       ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only; COMMIT;`,
    );
    const verify = await world.admin.get('/audit/verify');
    expect(verify.body).toMatchObject({ ok: false, firstBrokenId: victim!.id, checked: Number(victim!.seq) - 1 });
  });
});

const HEAP_CAP_MB = 160;

describe('audit export of a large trail', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;

  // The service's heap is capped far below what the trail would take if held (over 800 MB): a
  // service that buffered the export, or let it run ahead of the client, runs out of memory.
  useApp({ env: { NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}` } }, (started) => ({ db, app } = started));

  const rssMb = async () => {
    const status = await import('node:fs/promises').then((fs) => fs.readFile(`/proc/${app.child.pid}/status`, 'utf8'));
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  };

  it('streams a million events as CSV with flat memory', async () => {
    const TOTAL = 1_000_000;
    // Bulk-loaded without the chain trigger: this test is about streaming, not about the chain.
    await query(
      db.url,
      `BEGIN; SET LOCAL session_replication_role = replica;
       INSERT INTO audit_events (seq, at, actor_type, actor_name, action, entity_type, entity_id, prev_hash, hash)
       SELECT h.seq + g, now() - (${TOTAL} - g) * interval '1 second', 'system', 'bulk', 'test.bulk', 'session', g::text,
              repeat('a', 64), repeat('b', 64)
         FROM generate_series(1, ${TOTAL}) AS g, audit_chain_head h;
       UPDATE audit_chain_head SET seq = seq + ${TOTAL}; COMMIT;`,
    );
    // A trail that grew to a million events has statistics that say so (autovacuum analyses as it
    // grows); without them the planner takes the filter for rare and sorts every match for each page.
    await query(db.url, 'ANALYZE audit_events');
    const admin = await new Api(app.url).login(ADMIN.username, ADMIN.password);
    // RSS may grow from idle by the capped heap, the young generation and the socket's buffers.
    const idle = await rssMb();
    let peak = idle;
    const sampler = setInterval(() => {
      void rssMb().then(
        (mb) => (peak = Math.max(peak, mb)),
        () => undefined,
      );
    }, 100);
    const response = await fetch(`${app.url}/api/v1/audit/export?format=csv&action=test.bulk`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    let lines = 0;
    let bytes = 0;
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      lines += decoder.decode(chunk, { stream: true }).split('\n').length - 1;
    }
    clearInterval(sampler);
    expect(lines).toBe(TOTAL + 1);
    expect(bytes).toBeGreaterThan(TOTAL * 100);
    expect(peak - idle).toBeLessThan(HEAP_CAP_MB + 120);
  }, 240_000);
});
