import { mulberry32 } from '../../libs/vitals/src/index';
import { connectWard, reading } from '../support/api';
import {
  CONSTRUCTOR,
  DEEP_ARRAY,
  DEEP_OBJECT,
  MIB,
  NEAR_MB,
  PROTO,
  Problems,
  SEED,
  TEN_THOUSAND,
  bytesFrom,
  cases,
  emitWithAck,
  pool,
  refusal,
  show,
  sleep,
} from '../support/hostile/values';
import { itEndsSound, useHostileService } from '../support/hostile/suite';

/**
 * Hostile input to events sent to the ward namespace `/ward`, which only speaks to its clients.
 * Meanwhile the well-behaved monitor streams to a ward screen; the last test checks the end state
 * (the suite's rules: test/support/hostile/suite.ts).
 */
/** The answered cases this file makes from the seed, at least. */
const MIN_CASES = 800;

describe('hostile input', () => {
  const service = useHostileService();

  it('/ward: answers events from clients with a refusal (the namespace only speaks to them)', async () => {
    const { world, ward, goodSessionId, hostileSessionId } = service;
    const problems = new Problems();
    const random = mulberry32(SEED + 2);
    const client = await connectWard(world.b.nurse);
    await client.snapshot;
    const names = ['vitals', 'snapshot', 'alert', 'session', 'reading', 'readings', 'subscribe', 'join', 'leave'];
    names.push(
      'ack',
      'message',
      'error',
      'ping',
      'pong',
      '__proto__',
      'constructor',
      'toString',
      '',
      ' ',
      '😀',
      'x\u0000',
    );
    const payloads: unknown[] = [null, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e308, '', 'x', true, [], {}];
    payloads.push(TEN_THOUSAND, DEEP_ARRAY, DEEP_OBJECT, PROTO, CONSTRUCTOR, bytesFrom(random, 64));
    payloads.push(new Float64Array([Number.NaN]), { sessionId: hostileSessionId, hr: 500 }, { siteId: world.a.siteId });
    payloads.push({ sessions: [] }, reading(1), { room: `site:${world.a.siteId}` });
    const emits: { label: string; event: unknown; args: unknown[] }[] = [];
    for (let i = 0; i < 800; i++) {
      const event =
        i < names.length ? names[i]! : random() < 0.7 ? names[Math.floor(random() * names.length)]! : `e${i}`;
      const args = Array.from(
        { length: Math.floor(random() * 3) },
        () => payloads[Math.floor(random() * payloads.length)],
      );
      emits.push({ label: `${show(event)}(${args.map(show).join(', ')})`, event, args });
    }
    emits.push({ label: 'numeric event', event: 7, args: [1] });
    emits.push({ label: '~1 MB string', event: 'vitals', args: [NEAR_MB] });
    await pool(emits, 32, async (e) => {
      const ack = await emitWithAck(client.socket, 20_000, e.event, ...e.args);
      const problem = refusal(ack, 'validation_failed');
      if (problem) problems.add('/ward client events', e.label, problem);
      cases.add('/ward client events', problem ? 'WRONG' : 'ack validation_failed');
    });
    // A message over the limit closes that connection.
    const fresh = await connectWard(world.b.nurse);
    const closed = new Promise<string>((resolve) => fresh.socket.once('disconnect', (reason) => resolve(reason)));
    fresh.socket.emit('vitals', MIB);
    const reason = await Promise.race([closed, sleep(5_000).then(() => 'still open')]);
    if (reason === 'still open') problems.add('/ward oversized messages', '1 MiB string', 'connection still open');
    cases.add('/ward oversized messages', reason === 'still open' ? 'WRONG' : `closed (${reason})`);
    fresh.close();
    // Nothing a client sent reached another site's screen.
    expect(ward.vitals.every((v) => v.sessionId === goodSessionId)).toBe(true);
    client.close();
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 60_000);

  itEndsSound(service, MIN_CASES);
});
