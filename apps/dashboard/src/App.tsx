import { useSyncExternalStore } from 'react';
import { AdminPage } from './admin/AdminPage';
import { AuditPage } from './admin/AuditPage';
import { AccountPage } from './pages/AccountPage';
import { Header } from './components/Header';
import { LoginPage } from './pages/LoginPage';
import { SessionPage } from './pages/SessionPage';
import { WardBoard } from './pages/WardBoard';
import { AlarmBurdenPage } from './reports/AlarmBurdenPage';
import { PatientSeriesPage } from './series/PatientSeriesPage';
import { usePath } from './router';
import { signIn } from './sign-in';
import { WardProvider } from './ward/ward-context';

export function App() {
  const signedIn = useSyncExternalStore(signIn.subscribe, signIn.current);
  const path = usePath();
  if (!signedIn) return <LoginPage />;
  const { user, token } = signedIn;

  // Admins manage the system; they take no part in sessions (the service answers 403).
  if (user.role === 'admin') {
    return (
      <>
        <Header user={user} />
        <main id="main">
          {path === '/account' ? (
            <AccountPage />
          ) : path === '/audit' ? (
            <AuditPage />
          ) : path === '/reports/alarm-burden' ? (
            <AlarmBurdenPage />
          ) : (
            <AdminPage />
          )}
        </main>
      </>
    );
  }
  const sessionId = /^\/sessions\/([0-9a-f-]{36})$/i.exec(path)?.[1];
  const patientRef = /^\/patients\/([^/]+)\/series$/.exec(path)?.[1];
  const siteId = new URLSearchParams(location.search).get('siteId');
  const page =
    path === '/account' ? (
      <AccountPage />
    ) : path === '/reports/alarm-burden' && user.role === 'clinician' ? (
      <AlarmBurdenPage />
    ) : patientRef && siteId ? (
      <PatientSeriesPage key={path} patientRef={decodeURIComponent(patientRef)} siteId={siteId} />
    ) : sessionId ? (
      <SessionPage key={sessionId} sessionId={sessionId} />
    ) : (
      <WardBoard />
    );
  return (
    <WardProvider token={token}>
      <Header user={user} ward />
      <main id="main">{page}</main>
    </WardProvider>
  );
}
