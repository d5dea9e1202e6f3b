import { useEffect, useState } from 'react';

/** The clock, re-read every `ms` while `active`: elapsed times and ETAs tick between events. */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return active ? Math.max(now, Date.now()) : now;
}
