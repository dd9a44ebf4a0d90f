import type { LoginResponse } from '#contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, post } from '../api';
import { signIn } from '../sign-in';

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signIn.start(await post<LoginResponse>('/auth/login', { username: username.trim(), password }));
    } catch (caught) {
      setError(loginProblem(caught));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Infusion Monitor</h1>
        <p className="muted">Sign in to see your ward.</p>
        {signIn.notice() && (
          <p className="notice" role="status" data-testid="signed-out">
            {signIn.notice()}
          </p>
        )}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="problem" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function loginProblem(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Sign-in failed. Try again.';
  if (error.code === 'invalid_credentials') return 'Wrong username or password.';
  if (error.code === 'throttled') {
    const wait = Number(error.body?.details?.retryAfterSeconds);
    return `Too many failed attempts. Try again ${wait > 0 ? `in ${Math.ceil(wait / 60)} min` : 'later'}.`;
  }
  return error.message;
}
