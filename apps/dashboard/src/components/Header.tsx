import type { UserView } from '#contracts';
import { post } from '../api';
import { Link } from '../router';
import { signIn } from '../sign-in';
import { AlarmBar } from './AlarmBar';
import { ConnectionBanner } from './ConnectionBanner';

export function Header({ user, ward = false }: { user: UserView; ward?: boolean }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <Link to="/" className="brand">
          Infusion Monitor
        </Link>
        <nav aria-label="Pages">
          {ward ? (
            <>
              <Link to="/">Ward board</Link>
              {user.role === 'clinician' && <Link to="/reports/alarm-burden">Alarm burden</Link>}
            </>
          ) : (
            <>
              <Link to="/">Administration</Link>
              {user.role === 'admin' && <Link to="/audit">Audit</Link>}
              {user.role === 'admin' && <Link to="/reports/alarm-burden">Alarm burden</Link>}
            </>
          )}
        </nav>
        <div className="who">
          <Link to="/account" title="Your password; sign out everywhere">
            {user.displayName} <span className="muted">({user.role})</span>
          </Link>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      {ward && <AlarmBar />}
      {ward && <ConnectionBanner />}
    </>
  );
}

/** Ends the token at the service too, so that a copy of it is worth nothing; the tab signs out either way. */
function signOut(): void {
  void signIn
    .endingToken(() => post('/auth/logout'))
    .then(
      () => signIn.end(),
      () => signIn.end(),
    );
}
