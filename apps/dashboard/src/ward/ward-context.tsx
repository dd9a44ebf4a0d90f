import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { signIn } from '../sign-in';
import { WardConnection, type WardState } from './ward-connection';

const WardContext = createContext<WardConnection | null>(null);

/** One `/ward` socket for the signed-in user, shared by every page, so alarms keep sounding on any page. */
export function WardProvider({ token, children }: { token: string; children: ReactNode }) {
  const [connection, setConnection] = useState<WardConnection | null>(null);
  useEffect(() => {
    const opened = new WardConnection(token, (why) => {
      // Sign out and the user's own password change end this token on purpose: no news to show.
      if (!signIn.isEndingToken() && signIn.current()?.token === token) signIn.end(why);
    });
    setConnection(opened);
    return () => opened.close();
  }, [token]);
  if (!connection) return null;
  return <WardContext.Provider value={connection}>{children}</WardContext.Provider>;
}

export function useWardConnection(): WardConnection {
  const connection = useContext(WardContext);
  if (!connection) throw new Error('useWardConnection outside WardProvider');
  return connection;
}

export function useWard(): WardState {
  const connection = useWardConnection();
  return useSyncExternalStore(connection.subscribe, connection.getState);
}
