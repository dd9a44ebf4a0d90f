import { useEffect, useState } from 'react';

/** The current time, renewed every `everyMs`: ages and elapsed times keep counting between events. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
