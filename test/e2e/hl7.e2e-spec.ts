import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import type { Alert } from '../../libs/contracts/src/index';
import { startApp, type RunningApp } from '../support/app';
import { buildWorld, connectWard, eventually, sessionBody, unique, type World } from '../support/api';
import { query } from '../support/database';
import { ackSummary, mllpPortOf, RawMllp, retime, sample, withControlId } from '../support/mllp';
import { formatDtm } from '../../apps/api/src/hl7/hl7-time';
import { useApp } from '../support/harness';

describe('HL7 v2 in (IHE PCD-01 over MLLP)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: RunningApp;
  let world: World;
  let port: number;
  const devices: Record<'acme' | 'aware' | 'comen', string> = { acme: '', aware: '', comen: '' };

  const register = async (name: string, hl7Source: object, siteId = world.a.siteId) => {
    const created = await world.admin.ok('/devices', { siteId, name: unique(name), hl7Source });
    expect(created.token).toBeNull();
    expect(created.hl7Source).toMatchObject({
      sendingApplication: (hl7Source as { sendingApplication: string }).sendingApplication,
    });
    return created.id as string;
  };
  const rows = (deviceId: string) =>
    query<{
      seq: string;
      session_id: string;
      hr: number | null;
      sbp: number | null;
      dbp: number | null;
      map: number | null;
      spo2: number | null;
      rr: number | null;
      temp: number | null;
    }>(
      db.url,
      'SELECT seq, session_id, hr, sbp, dbp, map, spo2, rr, temp FROM readings WHERE device_id = $1 ORDER BY seq',
      [deviceId],
    );
  const allReadings = async () =>
    Number((await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM readings'))[0]!.n);
  const openSession = (deviceId: string) =>
    world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, deviceId, world.protocolId));

  useApp({ env: { HL7_MLLP_PORT: '0' } }, (started) => ({ db, app } = started));
  beforeAll(async () => {
    port = mllpPortOf(app);
    world = await buildWorld(app.url, 1);
    devices.acme = await register('acme', { sendingApplication: 'AcmeInc', eui64: '01-23-45-67-89-AB-CD-EF' });
    devices.aware = await register('aware', {
      sendingApplication: 'HL7',
      sendingFacility: 'MMS',
      bed: '3 WEST ICU^3001^1',
    });
    devices.comen = await register('comen', {
      sendingApplication: 'NC_Monitor',
      sendingFacility: 'KC261551373G',
      bed: '^^&10',
    });
  });

  it('registers sources uniquely, and keeps them off the socket protocol', async () => {
    const again = await world.admin.post('/devices', {
      siteId: world.a.siteId,
      name: 'dup',
      hl7Source: { sendingApplication: 'AcmeInc', eui64: '0123456789abcdef' },
    });
    expect(again.status).toBe(409);
    const both = await world.admin.post('/devices', {
      siteId: world.a.siteId,
      name: 'x',
      hl7Source: { sendingApplication: 'A', eui64: '0123456789ABCDEF', bed: 'B' },
    });
    expect(both.status).toBe(400);
    const listed = (await world.a.nurse.get('/devices')).body as { id: string; hl7Source: unknown }[];
    expect(listed.find((d) => d.id === devices.aware)?.hl7Source).toEqual({
      sendingApplication: 'HL7',
      sendingFacility: 'MMS',
      eui64: null,
      bed: '3 WEST ICU^3001^1',
    });
  });

  it('files the public samples sent by the library client: AA after the commit, in the session, on the ward, once', async () => {
    const sessions = {
      acme: await openSession(devices.acme),
      aware: await openSession(devices.aware),
      comen: await openSession(devices.comen),
    };
    const wardA = await connectWard(world.a.nurse);
    const wardB = await connectWard(world.b.nurse);
    await Promise.all([wardA.snapshot, wardB.snapshot]);
    const client = new Hl7Client({ host: '127.0.0.1', port });
    const at = Date.now() - 5000;
    try {
      for (const name of [
        'ihe-pcd01-nibp-acme.hl7',
        'ihe-pcd01-multiparameter-aware.hl7',
        'comen-vital-signs-monitor.hl7',
      ]) {
        const ack = await client.sendAndWait(Hl7Message.parse(retime(sample(name), at)), { timeoutMs: 20_000 });
        expect(ack.getSegment('MSA')?.getField(1)?.toString()).toBe('AA');
      }
      expect(await rows(devices.acme)).toEqual([
        expect.objectContaining({ seq: '0', session_id: sessions.acme.id, sbp: 120, dbp: 80, map: 100, hr: null }),
      ]);
      expect(await rows(devices.aware)).toEqual([
        expect.objectContaining({ session_id: sessions.aware.id, hr: 60, sbp: null }),
      ]);
      expect(await rows(devices.comen)).toEqual([
        expect.objectContaining({
          session_id: sessions.comen.id,
          spo2: 97,
          hr: 59,
          rr: 20,
          temp: 37,
          sbp: 120,
          dbp: 80,
          map: 90,
        }),
      ]);
      await eventually(() =>
        expect(wardA.vitals.map((v) => v.sessionId).sort()).toEqual(
          [sessions.acme.id, sessions.aware.id, sessions.comen.id].sort(),
        ),
      );
      expect(wardA.vitals.find((v) => v.sessionId === sessions.acme.id)).toMatchObject({
        sbp: 120,
        dbp: 80,
        recordedAt: new Date(Math.floor(at / 1000) * 1000).toISOString(),
      });

      // The gateway did not see the AA and sends the same message again: AA, stored once.
      const resend = await client.sendAndWait(Hl7Message.parse(retime(sample('ihe-pcd01-nibp-acme.hl7'), at)), {
        timeoutMs: 20_000,
      });
      expect(resend.getSegment('MSA')?.getField(1)?.toString()).toBe('AA');
      expect(await rows(devices.acme)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(wardB.vitals).toHaveLength(0);
      expect(wardA.vitals.filter((v) => v.sessionId === sessions.acme.id)).toHaveLength(1);
    } finally {
      await client.close();
      wardA.close();
      wardB.close();
    }
    const audit = await query<{ action: string; entity_id: string }>(
      db.url,
      `SELECT action, entity_id FROM audit_events WHERE action = 'hl7.connect'`,
    );
    expect(audit.map((a) => a.entity_id).sort()).toEqual(Object.values(devices).sort());
    for (const session of Object.values(sessions))
      await world.a.nurse.ok(`/sessions/${session.id}/abort`, { reason: 'test over' });
  });

  it('raises an alert from readings that came over HL7', async () => {
    const session = await openSession(devices.comen);
    const ward = await connectWard(world.a.nurse);
    const alerts: Alert[] = [];
    ward.socket.on('alert', (alert: Alert) => alerts.push(alert));
    const gateway = await RawMllp.connect(port);
    // One message with 61 s of observations, each with its own time (OBX-14), as a gateway sends a backlog.
    const now = Date.now();
    const header = retime(sample('comen-vital-signs-monitor.hl7'), now).split('\r').slice(0, 4);
    const obx = (i: number, code: string, value: number, unit: string, ms: number) =>
      `OBX|${i}|NM|${code}^X^MDC|1|${value}|${unit}^X^MDC|||||F|||${formatDtm(ms)}`;
    const backlog: string[] = [];
    for (let s = 0; s < 61; s++) {
      const ms = now - (62 - s) * 1000;
      backlog.push(
        obx(backlog.length + 1, '147842', 72 + (s % 3), '264864', ms),
        obx(backlog.length + 2, '150456', 98, '262688', ms),
      );
      if (s % 30 === 0)
        backlog.push(
          obx(backlog.length + 1, '150021', 120, '266016', ms),
          obx(backlog.length + 2, '150022', 80, '266016', ms),
        );
    }
    expect(
      ackSummary(await gateway.send(withControlId([...header, ...backlog].join('\r'), 'BASELINE-1'))),
    ).toMatchObject({ code: 'AA', controlId: 'BASELINE-1' });
    await world.a.nurse.ok(`/sessions/${session.id}/infusion-start`, {});
    const cuff = [
      ...header,
      obx(1, '150021', 190, '266016', Date.now()),
      obx(2, '150022', 100, '266016', Date.now()),
    ].join('\r');
    expect(ackSummary(await gateway.send(withControlId(cuff, 'CUFF-1'))).code).toBe('AA');
    await eventually(
      () => expect(alerts.find((a) => a.sessionId === session.id)).toMatchObject({ kind: 'bp_rise', severity: 'high' }),
      20_000,
    );
    expect((await rows(devices.comen)).filter((r) => r.session_id === session.id)).toHaveLength(62);
    gateway.close();
    ward.close();
    await world.a.nurse.ok(`/sessions/${session.id}/abort`, { reason: 'test over' });
  });

  it('answers bad input with the right NAK or a closed connection, stores nothing, and keeps serving', async () => {
    const session = await openSession(devices.acme);
    const before = await allReadings();
    const good = (id: string) => withControlId(retime(sample('ihe-pcd01-nibp-acme.hl7'), Date.now()), id);
    const gateway = await RawMllp.connect(port);
    const cases: [string, string, { code: string; hl7Error: string; error: string }][] = [
      ['not HL7', 'hello, is this the lab?', { code: 'AR', hl7Error: '100', error: 'malformed' }],
      [
        'wrong message type',
        good('T1').replace('ORU^R01^ORU_R01', 'ADT^A01^ADT_A01'),
        { code: 'AR', hl7Error: '200', error: 'unsupported_message_type' },
      ],
      [
        'unknown source',
        good('T2').replace('AcmeInc^', 'Stranger^'),
        { code: 'AR', hl7Error: '204', error: 'unknown_source' },
      ],
      [
        'unknown device of a known application',
        good('T3').replace('0123456789ABCDEF', 'FFFFFFFFFFFFFFFF').replace('ACDE48234567ABCD', 'EEEEEEEEEEEEEEEE'),
        { code: 'AR', hl7Error: '204', error: 'unknown_source' },
      ],
      [
        'a unit that cannot be converted',
        good('T4').replace('120|266016^MDC_DIM_MMHG', '120|264864^MDC_DIM_BEAT_PER_MIN'),
        { code: 'AE', hl7Error: '103', error: 'unit_unsupported' },
      ],
      [
        'a value out of range',
        good('T5').replace('|120|266016', '|400|266016'),
        { code: 'AE', hl7Error: '102', error: 'validation_failed' },
      ],
      [
        'a control id reused for other content',
        good('REUSED').replace('|80|266016', '|81|266016'),
        { code: 'AE', hl7Error: '205', error: 'seq_conflict' },
      ],
    ];
    expect(ackSummary(await gateway.send(good('REUSED'))).code).toBe('AA');
    for (const [, message, expected] of cases) expect(ackSummary(await gateway.send(message))).toMatchObject(expected);

    // A message cut in the middle of its frame, then a whole one: the cut one is dropped, the whole one filed.
    const whole = good('AFTER-CUT');
    gateway.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(whole.slice(0, 120))]));
    expect(ackSummary(await gateway.send(whole))).toMatchObject({ code: 'AA', controlId: 'AFTER-CUT' });
    expect(await allReadings()).toBe(before + 2);

    // Cut off and gone: nothing stored.
    const cut = await RawMllp.connect(port);
    cut.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(good('CUT-GONE').slice(0, 200))]));
    cut.socket.destroy();

    // 1 MB of garbage, outside or inside a frame: the connection is closed.
    for (const garbage of [
      Buffer.alloc(1_000_000, 'x'),
      Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(1_000_000, 'y')]),
    ]) {
      const noisy = await RawMllp.connect(port);
      noisy.write(garbage);
      await noisy.closed;
      expect(await noisy.next(100)).toBeNull();
    }
    // The listener still serves, on the old connection and on new ones.
    expect(ackSummary(await gateway.send(good('STILL-1'))).code).toBe('AA');
    const fresh = await RawMllp.connect(port);
    expect(ackSummary(await fresh.send(good('STILL-2'))).code).toBe('AA');
    expect(await allReadings()).toBe(before + 4);
    expect((await rows(devices.acme)).filter((r) => r.session_id === session.id).map((r) => r.sbp)).toEqual([
      120, 120, 120, 120,
    ]);
    const refusals = await query<{ details: { code?: string; reason?: string } }>(
      db.url,
      `SELECT details FROM audit_events WHERE action = 'hl7.refuse'`,
    );
    const codes = refusals.map((r) => r.details.code ?? r.details.reason);
    for (const code of [
      'malformed',
      'unsupported_message_type',
      'unknown_source',
      'unit_unsupported',
      'validation_failed',
      'seq_conflict',
    ])
      expect(codes).toContain(code);
    expect(codes.some((c) => /outside MLLP frames|larger than/.test(c ?? ''))).toBe(true);
    // Revoked: the source is unknown again at once, and nothing more is stored.
    await world.admin.ok(`/devices/${devices.acme}/revoke`);
    expect(ackSummary(await fresh.send(good('AFTER-REVOKE')))).toMatchObject({ code: 'AR', error: 'unknown_source' });
    expect(await allReadings()).toBe(before + 4);
    gateway.close();
    fresh.close();
    await world.a.nurse.ok(`/sessions/${session.id}/abort`, { reason: 'test over' });
  });

  it('keeps everything acknowledged through a SIGKILL, and files the resend after the restart once', async () => {
    const session = await openSession(devices.aware);
    const gateway = await RawMllp.connect(port);
    const start = Date.now() - 60_000;
    const messages = Array.from({ length: 30 }, (_, i) =>
      withControlId(retime(sample('ihe-pcd01-multiparameter-aware.hl7'), start + i * 1000), `KILL-${i}`).replace(
        '|60|/min',
        `|${61 + i}|/min`,
      ),
    );
    for (const message of messages) gateway.write(message);
    const acks: string[] = [];
    for (let i = 0; i < messages.length; i++) acks.push(ackSummary((await gateway.next())!).code);
    expect(acks.every((code) => code === 'AA')).toBe(true);
    await app.kill();
    const stored = (await rows(devices.aware)).filter((r) => r.session_id === session.id);
    expect(stored.map((r) => r.hr)).toEqual(messages.map((_, i) => 61 + i));

    app = await startApp(db.url, { HL7_MLLP_PORT: '0' });
    port = mllpPortOf(app);
    const again = await RawMllp.connect(port);
    for (const message of messages) expect(ackSummary(await again.send(message)).code).toBe('AA');
    const after = (await rows(devices.aware)).filter((r) => r.session_id === session.id);
    expect(after).toEqual(stored);
    again.close();
  }, 120_000);
});
