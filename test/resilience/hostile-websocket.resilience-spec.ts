import type { BatchAck } from '../../libs/contracts/src/index';
import { mulberry32 } from '../../libs/vitals/src/index';
import { MIB, Problems, SEED, bytesFrom, cases, pool, refusal, show } from '../support/hostile/values';
import { RawWebSocket } from '../support/hostile/raw-websocket';
import { rawReadingTexts } from '../support/hostile/readings';
import { itEndsSound, useHostileService } from '../support/hostile/suite';

/**
 * Hostile input to the raw WebSocket and engine.io transport under socket.io (malformed frames and packets).
 * Meanwhile the well-behaved monitor streams to a ward screen; the last test checks the end state
 * (the suite's rules: test/support/hostile/suite.ts).
 */
/** The answered cases this file makes from the seed, at least. */
const MIN_CASES = 500;

describe('hostile input', () => {
  const service = useHostileService();

  it('raw WebSocket: closes the connection on malformed frames and packets, refuses malformed events', async () => {
    const { app, world } = service;
    const problems = new Problems();
    const random = mulberry32(SEED + 3);
    const deviceAuth = { token: world.b.devices[1]!.token };

    /** A fresh connection (joined to /devices when asked), the action, then the service must close it or refuse. */
    interface Closing {
      target: string;
      label: string;
      join?: boolean;
      act: (ws: RawWebSocket) => void;
    }
    const closing: Closing[] = [];
    const add = (target: string, label: string, act: (ws: RawWebSocket) => void, join = false) =>
      closing.push({ target, label, act, join });

    // WebSocket framing that breaks RFC 6455.
    const framing = 'raw WebSocket framing';
    add(framing, 'unmasked client frame', (ws) => ws.frame(0x1, '42["x"]', { masked: false }));
    for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15])
      add(framing, `reserved opcode ${opcode}`, (ws) => ws.frame(opcode, 'x'));
    for (const rsv of [1, 2, 4, 3, 7]) add(framing, `reserved bits ${rsv}`, (ws) => ws.frame(0x1, '40', { rsv }));
    add(framing, 'ping of 126 bytes', (ws) => ws.frame(0x9, Buffer.alloc(126)));
    add(framing, 'fragmented ping', (ws) => ws.frame(0x9, 'x', { fin: false }));
    add(framing, 'continuation without a start', (ws) => ws.frame(0x0, 'x'));
    add(framing, 'new message inside a fragmented one', (ws) => {
      ws.frame(0x1, '42', { fin: false });
      ws.frame(0x1, '["x"]');
    });
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 2999, 5000])
      add(framing, `close code ${code}`, (ws) => {
        const payload = Buffer.alloc(2);
        payload.writeUInt16BE(code);
        ws.frame(0x8, payload);
      });
    add(framing, 'close frame of 1 byte', (ws) => ws.frame(0x8, Buffer.from([3])));
    add(framing, 'close reason not UTF-8', (ws) => ws.frame(0x8, Buffer.from([0x03, 0xe8, 0xff, 0xfe])));
    add(framing, 'length 2^63 − 1 declared', (ws) => ws.frame(0x1, 'x', { declaredLength: Number.MAX_SAFE_INTEGER }));
    const garbage = bytesFrom(random, 64);
    add(framing, 'garbage bytes instead of a frame', (ws) => ws.write(garbage));

    // Text frames that are not UTF-8 (RFC 6455 requires the connection to fail).
    const badUtf8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]];
    badUtf8.push(
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0x80],
      [0xe2, 0x82],
      [0xc3],
      [0xbf, 0xbf],
      [0xfc, 0x80, 0x80, 0x80, 0x80, 0x80],
    );
    const positions: [string, (bad: Buffer) => Buffer, boolean][] = [
      ['alone', (bad) => bad, false],
      ['as an engine.io packet type', (bad) => Buffer.concat([bad, Buffer.from('2["x"]')]), false],
      ['in an event name', (bad) => Buffer.concat([Buffer.from('42/devices,["'), bad, Buffer.from('"]')]), true],
      [
        'in a reading',
        (bad) => Buffer.concat([Buffer.from('42/devices,1["reading",{"recordedAt":"'), bad, Buffer.from('"}]')]),
        true,
      ],
      ['in a key', (bad) => Buffer.concat([Buffer.from('42/devices,2["reading",{"'), bad, Buffer.from('":1}]')]), true],
    ];
    for (const bytes of badUtf8)
      for (const [where, wrap, join] of positions)
        add(
          'raw UTF-8',
          `${Buffer.from(bytes).toString('hex')} ${where}`,
          (ws) => ws.text(wrap(Buffer.from(bytes))),
          join,
        );

    // Binary frames that no binary event announced.
    for (let i = 0; i < 60; i++) {
      const size = [1, 2, 16, 1024, 65_536, 200_000][i % 6]!;
      const bytes = bytesFrom(random, size);
      add('raw binary frames', `random ${size} bytes`, (ws) => ws.binary(bytes), i % 3 === 0);
    }

    // engine.io packets that are not engine.io, or not for a client to send.
    for (const packet of ['', '9', 'x', '2', '2probe', ' 4', '\u0000', '{}', '[]', 'null'])
      add('raw engine.io packets', show(packet), (ws) => ws.text(packet));
    for (let i = 0; i < 30; i++) {
      const junk = String.fromCharCode(
        ...Array.from({ length: 1 + Math.floor(random() * 40) }, () => 33 + Math.floor(random() * 94)),
      );
      if (/^[013456]/.test(junk)) continue; // well-formed packet types that engine.io ignores from a client
      add('raw engine.io packets', `random ${show(junk)}`, (ws) => ws.text(junk));
    }

    // socket.io packets that are malformed, or not for this connection.
    const sio = 'raw socket.io packets';
    const packets: [string, string, boolean][] = [
      ['empty socket.io packet', '4', false],
      ['unknown type 7', '47', false],
      ['unknown type 9', '49', false],
      ['type not a digit', '4x', false],
      ['namespace without type', '4/devices,', false],
      ['connect to /', '40', false],
      ['connect to an unknown namespace', '40/admin,', false],
      ['connect to /devices without auth', '40/devices,', false],
      ['connect with a string as auth', '40/devices,"token"', false],
      ['connect with an array as auth', '40/devices,[]', false],
      ['connect with invalid JSON', '40/devices,{', false],
      ['connect with a number token', '40/devices,{"token":123}', false],
      ['connect with a ~1 MB token', `40/devices,{"token":"${'x'.repeat(990_000)}"}`, false],
      ['connect /ward with a garbage token', '40/ward,{"token":"garbage"}', false],
      ['disconnect an unconnected namespace', '41/devices,', false],
      ['event on /', '42["reading",{}]', false],
      ['event on an unconnected namespace', '42/devices,["reading",{}]', false],
      ['ack on an unconnected namespace', '43/devices,1[]', false],
      ['connect_error sent by a client', '44/devices,{}', false],
      ['zero attachments', '45-["x"]', false],
      ['attachments not a number', '45x-["x"]', false],
      ['10 billion attachments', '459999999999-["reading",{"_placeholder":true,"num":0}]', false],
      ['invalid JSON', '42/devices,["reading"', true],
      ['payload an object', '42/devices,{}', true],
      ['payload empty', '42/devices,[]', true],
      ['payload [null]', '42/devices,[null]', true],
      ['payload [{}]', '42/devices,[{}]', true],
      ['payload [true]', '42/devices,[true]', true],
      ['payload a string', '42/devices,"reading"', true],
      ['payload a fraction', '42/devices,1.5', true],
      ['~1 MB of invalid JSON', `42/devices,${'x'.repeat(990_000)}`, true],
      ['connect twice', '40/devices,{}', true],
    ];
    for (const reserved of ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'])
      packets.push([`reserved event ${reserved}`, `42/devices,["${reserved}"]`, true]);
    for (const [label, packet, join] of packets) add(sio, label, (ws) => ws.text(packet), join);
    add(
      sio,
      'binary event, then text instead of the attachment',
      (ws) => {
        ws.text('451-/devices,["reading",{"_placeholder":true,"num":0}]');
        ws.text('42/devices,["reading",{}]');
      },
      true,
    );
    add(
      sio,
      'attachment index out of range',
      (ws) => {
        ws.text('451-/devices,["reading",{"_placeholder":true,"num":5}]');
        ws.binary(Buffer.from('x'));
      },
      true,
    );
    add(
      sio,
      'attachment placeholder nested 50,000 deep',
      (ws) => {
        ws.text(`451-/devices,["reading",${'['.repeat(50_000)}{"_placeholder":true,"num":0}${']'.repeat(50_000)}]`);
        ws.binary(Buffer.from('x'));
      },
      true,
    );

    // Frames over the 1 MB limit.
    const big = 'raw oversized frames';
    add(big, 'text frame of 1,000,001 bytes', (ws) => ws.text(Buffer.alloc(1_000_001, 0x61)));
    add(big, 'binary frame of 1,000,001 bytes', (ws) => ws.binary(Buffer.alloc(1_000_001)));
    add(big, 'text frame of 4 MB', (ws) => ws.text(Buffer.alloc(4_000_000, 0x61)));
    add(big, '2 MB declared, 10 bytes sent', (ws) => ws.frame(0x1, 'x'.repeat(10), { declaredLength: 2_000_000 }));
    add(big, 'fragments adding up to 1.2 MB', (ws) => {
      ws.frame(0x1, Buffer.alloc(400_000, 0x61), { fin: false });
      ws.frame(0x0, Buffer.alloc(400_000, 0x61), { fin: false });
      ws.frame(0x0, Buffer.alloc(400_000, 0x61));
    });
    add(big, 'event with a 1 MiB string', (ws) => ws.text(`42/devices,9["reading",{"hr":"${MIB}"}]`), true);

    await pool(closing, 8, async (c) => {
      let ws: RawWebSocket | null = null;
      try {
        ws = await RawWebSocket.open(app.port);
        if (c.join && !(await ws.join('/devices', deviceAuth))?.startsWith('40/devices,'))
          throw new Error('could not join /devices');
        c.act(ws);
        const socket = ws;
        // A CONNECT_ERROR packet (44…) refuses; a close frame or TCP close ends the connection.
        const refused = socket.receive((m) => typeof m === 'string' && m.startsWith('44'), 5_000);
        const closed = socket.closedWithin(5_000);
        const first = await Promise.race([refused.then((m) => (m ? 'connect_error' : null)), closed.then(() => null)]);
        const outcome = first ?? ((await closed) ? `closed ${socket.closeCode ?? '(TCP)'}` : 'still open');
        if (outcome === 'still open') problems.add(c.target, c.label, 'neither refused nor closed within 5 s');
        cases.add(c.target, outcome === 'still open' ? 'WRONG' : outcome);
      } catch (error) {
        problems.add(c.target, c.label, (error as Error).message);
        cases.add(c.target, 'WRONG');
      } finally {
        ws?.destroy();
      }
    });

    // Raw events on a connected /devices socket: each answered with a refusal, the socket kept.
    const ws = await RawWebSocket.open(app.port);
    expect(await ws.join('/devices', deviceAuth)).toMatch(/^40\/devices,/);
    const raws = rawReadingTexts(random);
    const batchTexts = [
      ['batch of 1e309s', `[${Array.from({ length: 50 }, () => '{"seq":1e309}').join(',')}]`],
      ['batch of 499 nulls', `[${Array.from({ length: 499 }, () => 'null').join(',')}]`],
      [
        'batch of deep arrays',
        `[${Array.from({ length: 10 }, () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`).join(',')}]`,
      ],
    ];
    let id = 100;
    for (const r of raws) {
      const ackId = ++id;
      ws.text(`42/devices,${ackId}["reading",${r.text}]`);
      const answer = await ws.receive((m) => typeof m === 'string' && m.startsWith(`43/devices,${ackId}[`), 10_000);
      const ack =
        typeof answer === 'string' ? (JSON.parse(answer.slice(`43/devices,${ackId}`.length)) as unknown[])[0] : null;
      const problem = refusal(ack, r.code);
      if (problem) problems.add('raw /devices events', r.label, problem);
      cases.add('raw /devices events', problem ? 'WRONG' : `ack ${r.code}`);
    }
    for (let i = 0; i < 5; i++) {
      const ackId = ++id;
      ws.text(`42/devices,${ackId}`);
      const answer = await ws.receive((m) => typeof m === 'string' && m.startsWith(`43/devices,${ackId}[`), 10_000);
      const ack =
        typeof answer === 'string' ? (JSON.parse(answer.slice(`43/devices,${ackId}`.length)) as unknown[])[0] : null;
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add('raw /devices events', 'an ack id without an event', problem);
      cases.add('raw /devices events', problem ? 'WRONG' : 'ack validation_failed');
    }
    for (const [label, text] of batchTexts) {
      const ackId = ++id;
      ws.text(`42/devices,${ackId}["readings",${text}]`);
      const answer = await ws.receive((m) => typeof m === 'string' && m.startsWith(`43/devices,${ackId}[`), 10_000);
      const ack =
        typeof answer === 'string'
          ? ((JSON.parse(answer.slice(`43/devices,${ackId}`.length)) as unknown[])[0] as BatchAck)
          : null;
      const ok = ack?.ok === true && ack.results.every((r) => refusal(r, 'validation_failed') === null);
      if (!ok) problems.add('raw /devices events', label, show(ack));
      cases.add('raw /devices events', ok ? 'every item refused' : 'WRONG');
    }
    expect(ws.closed).toBe(false);
    ws.destroy();
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 120_000);

  itEndsSound(service, MIN_CASES);
});
