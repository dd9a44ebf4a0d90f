/**
 * How long a value stays worth showing. HR and SpO2 arrive each second; the service raises
 * `signal_lost` after 60 s without a usable reading (CLINICAL.md), so a value that old is no value:
 * "—". A cuff reading comes every 5 minutes (the protocol's default interval) and is overdue after
 * twice that (`bp_overdue`). Between the two a value is shown dimmed, with its age: stale.
 */
export const FRESHNESS = {
  continuous: { staleMs: 15_000, goneMs: 60_000 },
  cuff: { staleMs: 6 * 60_000, goneMs: 10 * 60_000 },
} as const;

export type Freshness = 'fresh' | 'stale' | 'gone';

export function freshness(ageMs: number | null, kind: keyof typeof FRESHNESS): Freshness {
  if (ageMs === null || ageMs > FRESHNESS[kind].goneMs) return 'gone';
  return ageMs > FRESHNESS[kind].staleMs ? 'stale' : 'fresh';
}
