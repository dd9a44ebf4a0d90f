import type { UserView } from '#contracts';
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
        {ward && <AlarmBar />}
        <div className="who">
          <span>
            {user.displayName} <span className="muted">({user.role})</span>
          </span>
          <button type="button" onClick={() => signIn.end()}>
            Sign out
          </button>
        </div>
      </header>
      {ward && <ConnectionBanner />}
    </>
  );
}
