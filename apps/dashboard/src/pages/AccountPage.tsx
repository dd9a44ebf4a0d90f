import type { LoginResponse } from '#contracts';
import { type FormEvent, useState } from 'react';
import { post } from '../api';
import { refusalWords } from '../admin/refusal';
import { signIn } from '../sign-in';

/** The signed-in user's own password, and signing out of every device at once. */
export function AccountPage() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const change = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setDone(false);
    if (next !== again) return setProblem('The new passwords differ.');
    setBusy(true);
    try {
      // The service ends every token of this user, this one too, and answers with a new one.
      const renewed = await signIn.endingToken(() =>
        post<LoginResponse>('/auth/password', { currentPassword: current, newPassword: next }),
      );
      signIn.start(renewed);
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    } catch (error) {
      setProblem(refusalWords(error, 'The password was not changed.'));
    } finally {
      setBusy(false);
    }
  };

  const signOutEverywhere = () =>
    void post('/auth/logout-all').then(
      () => signIn.end('You signed out on every device.'),
      (error: unknown) => setProblem(refusalWords(error, 'Not signed out.')),
    );

  return (
    <section className="card account" aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <form className="admin-form" aria-label="Change password" onSubmit={(e) => void change(e)}>
        <h2>Change password</h2>
        <p className="muted">
          At least 12 characters; common passwords, repeats, runs like 123456… and your username are refused. Your other
          sign-ins end.
        </p>
        <div className="inline-form">
          <label>
            Current password
            <input
              type="password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              required
              autoComplete="current-password"
            />
          </label>
          <label>
            New password
            <input
              type="password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
              required
              minLength={12}
              maxLength={200}
              autoComplete="new-password"
            />
          </label>
          <label>
            New password again
            <input
              type="password"
              value={again}
              onChange={(e) => setAgain(e.target.value)}
              required
              autoComplete="new-password"
            />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
        {problem && (
          <p className="problem" role="alert">
            {problem}
          </p>
        )}
        {done && <p role="status">Password changed. Your other sign-ins were ended.</p>}
      </form>
      <h2>Sign out everywhere</h2>
      <p className="muted">Ends every sign-in of yours, on every screen and device, this one too.</p>
      <button type="button" onClick={signOutEverywhere}>
        Sign out everywhere
      </button>
    </section>
  );
}
