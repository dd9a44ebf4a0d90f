import { performance } from 'node:perf_hooks';
import type { ReadingAck } from '../../libs/contracts/src/index';
import { connectDevice, connectWard, reading } from '../support/api';
import { CALM, LOGIN_MAX_FAILURES, emitWithAck, floods, refusal, sleep } from '../support/hostile/values';
import { itEndsSound, useHostileService } from '../support/hostile/suite';

/**
 * Hostile input to floods: a device far over its rate, a burst of logins, a ward client emitting non-stop.
 * Meanwhile the well-behaved monitor streams to a ward screen; the last test checks the end state
 * (the suite's rules: test/support/hostile/suite.ts).
 */
/** Floods are not counted as cases: this file makes none. */
const MIN_CASES = 0;

describe('hostile input', () => {
  const service = useHostileService();

  it('floods: a device far over its rate, a burst of logins, a ward client emitting non-stop', async () => {
    const { app, world, goodSessionId } = service;
    // One device sends 20,000 valid readings at once: it gets its burst and its rate, then rate_limited.
    const flooder = await connectDevice(app.url, world.b.devices[2]!.token);
    await flooder.resume;
    const started = performance.now();
    // 20,000 readings 10 ms apart, all in the past and within the session's clock tolerance.
    const from = Date.now() - 250_000;
    const acks = (await Promise.all(
      Array.from({ length: 20_000 }, (_, i) =>
        emitWithAck(flooder.socket, 60_000, 'reading', {
          ...reading(i + 1),
          recordedAt: new Date(from + (i + 1) * 10).toISOString(),
        }),
      ),
    )) as ReadingAck[];
    const seconds = (performance.now() - started) / 1000;
    for (const ack of acks) floods.add('/devices reading flood', ack.ok ? 'ok' : ack.error.code);
    service.floodAccepted = acks.filter((a) => a.ok).map((a) => a.seq!);
    expect(acks.every((a) => a.ok || a.error.code === 'rate_limited')).toBe(true);
    // DEVICE_RATE_BURST (2000) at once, then DEVICE_RATE_PER_SECOND (100) per second.
    expect(service.floodAccepted.length).toBeGreaterThanOrEqual(2000);
    expect(service.floodAccepted.length).toBeLessThanOrEqual(2000 + Math.ceil(100 * seconds) + 10);
    flooder.close();

    // 200 wrong passwords for one account at once, from one address: at most LOGIN_MAX_FAILURES are checked.
    const login = (username: string, password: string, address?: string) =>
      fetch(`${app.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
        body: JSON.stringify({ username, password }),
      }).then((r) => r.status);
    const calmStarted = performance.now();
    const [sameUser, calm] = await Promise.all([
      Promise.all(Array.from({ length: 200 }, () => login('flood-target', 'wrong-password-123', '203.0.113.7'))),
      // Meanwhile a nurse at the ward PC signs in normally.
      sleep(50).then(() => login(CALM.username, CALM.password)),
    ]);
    const calmMs = performance.now() - calmStarted;
    for (const status of sameUser) floods.add('login flood, one account', String(status));
    expect(sameUser.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_MAX_FAILURES);
    expect(sameUser.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(calm).toBe(200);
    floods.add('login during the flood', `${calm} in ${Math.round(calmMs)} ms`);
    // 100 accounts from one address: the address is refused after four times as many failures.
    const manyUsers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(`flood-user-${i}`, 'wrong-password-123', '203.0.113.8')),
    );
    for (const status of manyUsers) floods.add('login flood, 100 accounts', String(status));
    expect(manyUsers.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_MAX_FAILURES * 4);
    expect(manyUsers.filter((s) => s !== 401 && s !== 429)).toEqual([]);

    // A ward client emits 20,000 events as fast as it can; it is still answered afterwards.
    const noisy = await connectWard(world.b.nurse);
    await noisy.snapshot;
    for (let i = 0; i < 20_000; i++) noisy.socket.emit('vitals', { sessionId: goodSessionId, seq: i, hr: 500 });
    floods.add('/ward emit flood', 'sent without ack', 20_000);
    const after = await emitWithAck(noisy.socket, 30_000, 'vitals', {});
    expect(refusal(after, 'validation_failed')).toBeNull();
    floods.add('/ward emit flood', 'then answered');
    noisy.close();
  }, 120_000);

  itEndsSound(service, MIN_CASES);
});
