import type { BatchAck } from '../../libs/contracts/src/index';
import { mulberry32 } from '../../libs/vitals/src/index';
import { connectDevice, connectSocket, reading } from '../support/api';
import {
  DEEP_ARRAY,
  MIB,
  Problems,
  READING_CASES,
  SEED,
  TEN_THOUSAND,
  UNANSWERABLE,
  bytesFrom,
  cases,
  emitWithAck,
  pool,
  refusal,
  show,
  sleep,
  withKeys,
} from '../support/hostile/values';
import {
  type ReadingCase,
  combination,
  generateReadingCases,
  mutated,
  notReadings,
  readingMutations,
} from '../support/hostile/readings';
import { badDeviceTokens, badUserTokens } from '../support/hostile/tokens';
import { itEndsSound, useHostileService } from '../support/hostile/suite';

/**
 * Hostile input to the device namespace `/devices` (malformed readings, batches and events), and
 * bad tokens in the handshakes of `/devices` and `/ward`.
 * Meanwhile the well-behaved monitor streams to a ward screen; the last test checks the end state
 * (the suite's rules: test/support/hostile/suite.ts).
 */
/** The answered cases this file makes from the seed, at least. */
const MIN_CASES = 7_800;

describe('hostile input', () => {
  const service = useHostileService();

  it('/devices: answers every malformed reading, batch and event with a refusal', async () => {
    const { app, world, hostileSessionId } = service;
    const problems = new Problems();
    const random = mulberry32(SEED);
    const client = await connectDevice(app.url, world.b.devices[0]!.token);
    expect(await client.resume).toMatchObject({ sessionId: hostileSessionId });
    const socket = client.socket;

    // `reading`: every mutation of every field, every non-reading payload, then random combinations.
    const readingCases = generateReadingCases(READING_CASES, random);
    await pool(readingCases, 64, async (c) => {
      const ack = await emitWithAck(socket, 20_000, 'reading', c.payload);
      const problem = refusal(ack, c.code);
      if (problem) problems.add('/devices reading', c.label, problem);
      cases.add('/devices reading', problem ? 'WRONG' : `ack ${c.code}`);
    });

    // `readings`: whole batches that are not 1–500 readings, and batches of hostile readings.
    const target = '/devices readings (batches)';
    const refusedBatches: [string, unknown][] = [
      ...notReadings()
        .filter(([, p]) => !Array.isArray(p))
        .map(([label, payload]): [string, unknown] => [label, payload]),
      ['empty array', []],
      ['501 valid readings', Array.from({ length: 501 }, (_, i) => reading(i + 1))],
      ['10,000 valid readings', Array.from({ length: 10_000 }, (_, i) => reading(i + 1))],
      ['10,000 numbers', TEN_THOUSAND],
    ];
    await pool(refusedBatches, 8, async ([label, payload]) => {
      const ack = await emitWithAck(socket, 20_000, 'readings', payload);
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add(target, label, problem);
      cases.add(target, problem ? 'WRONG' : 'batch refused validation_failed');
    });
    // No binary values in batches: socket.io refuses a message with more than 10 attachments (see below).
    const light = readingMutations().filter((m) => !m.heavy && !m.binary);
    const batches: ReadingCase[][] = Array.from({ length: 250 }, (_, i) =>
      Array.from({ length: i === 0 ? 500 : 1 + Math.floor(random() * 40) }, () => mutated(combination(light, random))),
    );
    batches.push([{ label: 'an array as the item', payload: [reading(1)], code: 'validation_failed' }]);
    batches.push([{ label: 'an item nested 1,000 deep', payload: DEEP_ARRAY, code: 'validation_failed' }]);
    await pool(batches, 8, async (batch) => {
      const ack = (await emitWithAck(
        socket,
        20_000,
        'readings',
        batch.map((c) => c.payload),
      )) as BatchAck;
      let problem: string | null = null;
      if (!ack.ok || ack.results.length !== batch.length)
        problem = `expected ${batch.length} results, got ${show(ack)}`;
      else
        batch.forEach((c, i) => {
          const p = refusal(ack.results[i], c.code);
          if (p && !problem) problem = `item ${i} (${c.label}): ${p}`;
        });
      if (problem) problems.add(target, `batch of ${batch.length}`, problem);
      cases.add(target, problem ? 'WRONG' : 'every item refused');
    });

    // Other events: unknown names, too many or too few payloads.
    const events: unknown[] = [
      'read',
      'Reading',
      'READING',
      'reading ',
      ' reading',
      'readings\u0000',
      'resume',
      'session',
    ];
    events.push('vitals', 'snapshot', 'alert', 'message', 'error', 'ping', 'pong', 'close', 'data', '__proto__');
    events.push(
      'constructor',
      'toString',
      'hasOwnProperty',
      '',
      ' ',
      '*',
      'a'.repeat(10_000),
      '😀',
      '\ud800',
      0,
      1,
      -1,
      1.5,
    );
    for (let i = 0; i < 250; i++)
      events.push(
        String.fromCharCode(
          ...Array.from({ length: 1 + Math.floor(random() * 30) }, () => 33 + Math.floor(random() * 94)),
        ),
      );
    const others = events
      .filter((e) => e !== 'reading' && e !== 'readings')
      .map((event, i) => ({
        label: `event ${show(event)}`,
        event,
        args: [readingCases[i % readingCases.length]!.payload],
      }));
    for (let i = 0; i < 40; i++) {
      others.push({ label: 'reading with two payloads', event: 'reading', args: [reading(1), reading(2)] });
      others.push({ label: 'readings with two payloads', event: 'readings', args: [[reading(1)], [reading(2)]] });
    }
    others.push({ label: 'reading without payload', event: 'reading', args: [] });
    others.push({ label: 'readings without payload', event: 'readings', args: [] });
    await pool(others, 32, async (c) => {
      const ack = await emitWithAck(socket, 20_000, c.event, ...c.args);
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add('/devices other events', c.label, problem);
      cases.add('/devices other events', problem ? 'WRONG' : 'ack validation_failed');
    });

    // Emits without an acknowledgement callback: nothing to answer, nothing may be stored.
    const plain = readingMutations().filter((m) => !m.heavy && !m.binary);
    const unanswered = Array.from({ length: 300 }, () => mutated(combination(plain, random)));
    for (const c of unanswered) socket.emit('reading', c.payload);
    for (let i = 0; i < 50; i++)
      socket.emit(
        'readings',
        unanswered.slice(i * 6, i * 6 + 6).map((c) => c.payload),
      );
    cases.add('/devices emits without ack', UNANSWERABLE, unanswered.length + 50);
    // The socket still answers afterwards (emits are handled in order).
    expect(refusal(await emitWithAck(socket, 20_000, 'reading', { seq: -1 }), 'validation_failed')).toBeNull();

    // Messages over the 1 MB limit: the service closes that connection (and only that one).
    const oversized: [string, string, unknown][] = [
      ['reading with a 1 MiB string', 'reading', { ...reading(1), hr: MIB }],
      ['readings of 20,000 readings', 'readings', Array.from({ length: 20_000 }, (_, i) => reading(i + 1))],
      ['reading with a 2 MB binary attachment', 'reading', { ...reading(1), hr: Buffer.alloc(2_000_000) }],
      ['unknown event with a 1 MiB string', 'note', MIB],
      [
        'readings with 11 binary attachments',
        'readings',
        Array.from({ length: 11 }, () => ({ ...reading(1), hr: Buffer.from([1]) })),
      ],
    ];
    for (const [label, event, payload] of oversized) {
      const fresh = await connectDevice(app.url, world.b.devices[0]!.token);
      const closed = new Promise<string>((resolve) => fresh.socket.once('disconnect', (reason) => resolve(reason)));
      const answer = await emitWithAck(fresh.socket, 10_000, event, payload);
      const reason = await Promise.race([closed, sleep(5_000).then(() => 'still open')]);
      if (reason === 'still open') problems.add('/devices oversized messages', label, `answered ${show(answer)}`);
      cases.add('/devices oversized messages', reason === 'still open' ? 'WRONG' : `closed (${reason})`);
      fresh.close();
    }

    client.close();
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 120_000);

  it('/devices and /ward: refuse every bad token in the handshake', async () => {
    const { app, world, nurseBId, revokedDeviceToken } = service;
    const problems = new Problems();
    const attempts: { target: string; label: string; namespace: string; auth: unknown }[] = [];
    const userTokens = badUserTokens(nurseBId, world.b.nurse.token!, world.b.devices[0]!.token);
    const deviceTokens = badDeviceTokens(world.b.devices[0]!.token, revokedDeviceToken, world.b.nurse.token!);
    for (const [label, token] of userTokens)
      attempts.push({ target: '/ward handshake', label, namespace: '/ward', auth: { token } });
    for (const [label, token] of deviceTokens)
      attempts.push({ target: '/devices handshake', label, namespace: '/devices', auth: { token } });
    for (const namespace of ['/ward', '/devices']) {
      const target = `${namespace} handshake`;
      for (const [label, auth] of [
        ['auth a string', 'token'],
        ['auth a number', 42],
        ['auth an array', [world.b.nurse.token]],
        ['auth empty', {}],
        ['auth with __proto__', withKeys([['__proto__', { token: world.b.nurse.token }]])],
        ['auth 1 MiB', { token: MIB }],
      ] as [string, unknown][])
        attempts.push({ target, label, namespace, auth });
      // Random junk tokens.
      const random = mulberry32(SEED + namespace.length);
      for (let i = 0; i < 60; i++) {
        const token = bytesFrom(random, 1 + Math.floor(random() * 200)).toString(i % 2 ? 'base64' : 'latin1');
        attempts.push({ target, label: `random token ${i}`, namespace, auth: { token } });
      }
    }
    // Namespaces nobody serves, the main one included.
    for (const namespace of ['/', '/admin', '/devices/x', '/ward/', '/DEVICES', '/%00'])
      attempts.push({ target: 'other namespaces', label: namespace, namespace, auth: { token: world.b.nurse.token } });

    await pool(attempts, 12, async (a) => {
      const socket = connectSocket(app.url, a.namespace, a.auth as object);
      const outcome = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('no answer in 10 s'), 10_000);
        const done = (o: string) => {
          clearTimeout(timer);
          resolve(o);
        };
        socket.once('connect', () => done('CONNECTED'));
        socket.once('connect_error', (error) => done(`refused: ${error.message}`));
        // The connection closes just before connect_error is emitted: give the refusal its turn.
        socket.io.once('close', () => setTimeout(() => done('closed'), 100));
      });
      socket.close();
      const ok = outcome.startsWith('refused') || outcome === 'closed';
      if (!ok) problems.add(a.target, a.label, outcome);
      cases.add(a.target, ok ? outcome : 'WRONG');
    });
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 90_000);

  itEndsSound(service, MIN_CASES);
});
