import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreAttemptCounter } from '../../apps/api/src/auth/attempt-counter.js';
import { ADDRESS_FACTOR, LoginThrottle, type Throttled } from '../../apps/api/src/auth/login-throttle.js';
import { MemoryLimitStore } from '../../apps/api/src/common/limit-store.js';
import { config } from './support.js';

/** The throttle as the single instance builds it: counts in this process's memory. */
const throttle = (maxFailures: number) =>
  new LoginThrottle(
    config({ LOGIN_MAX_FAILURES: String(maxFailures), LOGIN_LOCKOUT_SECONDS: '300' }),
    new StoreAttemptCounter(new MemoryLimitStore()),
  );

/** A sign-in whose password check answers `ok`, and whether the check ran at all. */
async function signIn(
  t: LoginThrottle,
  username: string,
  ip: string,
  ok = false,
): Promise<{ outcome: Throttled<boolean>; checked: boolean }> {
  let checked = false;
  const outcome = await t.login(
    username,
    ip,
    () => {
      checked = true;
      return Promise.resolve(ok);
    },
    (passed) => passed,
  );
  return { outcome, checked };
}

const scopeOf = (outcome: Throttled<unknown>) => ('throttled' in outcome ? outcome.throttled.scope : null);

describe('LoginThrottle with the memory limit store', () => {
  it('refuses a username from one address after the limit, whatever its case, and not from another address', async () => {
    const t = throttle(3);
    for (let i = 0; i < 3; i++) assert.equal((await signIn(t, 'nurse.jones', '10.0.0.1')).checked, true);
    const refused = await signIn(t, 'Nurse.Jones', '10.0.0.1', true);
    assert.equal(refused.checked, false, 'not even checked: a right password does not get through');
    assert.equal(scopeOf(refused.outcome), 'pair');
    const retryAfter = 'throttled' in refused.outcome ? refused.outcome.throttled.retryAfterSeconds : 0;
    assert.ok(retryAfter > 290 && retryAfter <= 300, `retry after ${retryAfter} s`);

    // Nobody can lock another person out: from another address the user signs in (slowed, not refused).
    const elsewhere = await signIn(t, 'nurse.jones', '10.0.0.2', true);
    assert.deepEqual(elsewhere.outcome, { result: true });
  });

  it('a success clears the failures of its pair', async () => {
    const t = throttle(3);
    for (let i = 0; i < 2; i++) await signIn(t, 'dr.lee', '10.0.0.3');
    assert.deepEqual((await signIn(t, 'dr.lee', '10.0.0.3', true)).outcome, { result: true });
    for (let i = 0; i < 2; i++) assert.equal((await signIn(t, 'dr.lee', '10.0.0.3')).checked, true);
  });

  it('refuses an address after ADDRESS_FACTOR × the limit failures over any usernames', async () => {
    const t = throttle(3);
    // Two failures per username: no pair reaches its limit, and no username is slowed.
    for (let user = 0; user < (3 * ADDRESS_FACTOR) / 2; user++) {
      for (let i = 0; i < 2; i++) assert.equal((await signIn(t, `guess.${user}`, '10.0.0.4')).checked, true);
    }
    const refused = await signIn(t, 'someone.new', '10.0.0.4');
    assert.equal(refused.checked, false);
    assert.equal(scopeOf(refused.outcome), 'address');
    assert.equal((await signIn(t, 'someone.new', '10.0.0.5')).checked, true);
  });

  it('a burst of concurrent guesses gets no more password checks than the limit', async () => {
    const t = throttle(3);
    let checks = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.login(
          'burst.user',
          '10.0.0.6',
          async () => {
            checks++;
            await new Promise((resolve) => setTimeout(resolve, 50));
            return false;
          },
          (passed) => passed,
        ),
      ),
    );
    assert.equal(checks, 3);
    assert.equal(outcomes.filter((o) => scopeOf(o) === 'pair').length, 7);
  });

  it('a signature counts only the signer’s own failures', async () => {
    const t = throttle(1);
    // Others' failed logins under the signer's username (at its limit already) do not touch their signatures.
    await signIn(t, 'signer', '10.0.1.1');
    assert.deepEqual(await t.signature('user-1', () => Promise.resolve(false)), { result: false });
    // The second own failure waits (0.5 s) and is checked; from then on signatures are refused.
    assert.deepEqual(await t.signature('user-1', () => Promise.resolve(false)), { result: false });
    const refused = await t.signature('user-1', () => Promise.resolve(true));
    assert.equal(scopeOf(refused), 'signer');
    assert.deepEqual(await t.signature('user-2', () => Promise.resolve(true)), { result: true });
  });
});
